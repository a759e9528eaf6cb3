import type { NodeContext, NodeTypeDefinition } from '@switchyard/spec';
import { weightedManifest } from './weighted.manifest';
import { prepareRoute, randomOf, tryInOrder, type RouteState, type RouterParams } from './route';

export interface WeightedParams extends RouterParams {
  branches: { id: string; label?: string; weight: number }[];
  sticky?: 'none' | 'key' | 'user';
}

interface WeightedState extends RouteState {
  weights: readonly number[];
  total: number;
  /** Zero-weight branches: never picked first, kept as the last fallbacks in listed order. */
  standby: readonly string[];
  sticky: 'none' | 'key' | 'user';
}

/** FNV-1a: a stable number in [0, 1) for a sticky id. */
export function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

function pickIndex(weights: readonly number[], used: boolean[], total: number, u: number): number {
  let x = u * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (used[i] || weights[i] <= 0) continue;
    last = i;
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return last;
}

function stickyId(ctx: NodeContext, sticky: WeightedState['sticky']): string | undefined {
  if (sticky === 'key') return ctx.input.principal?.id;
  if (sticky === 'user') return (ctx.input.user?.id as string | undefined) ?? ctx.input.principal?.userId;
  return undefined;
}

/** Weighted random order: sampling without replacement, so failures fall to the others by weight. */
export const weightedNode: NodeTypeDefinition<WeightedParams, WeightedState> = {
  manifest: weightedManifest,
  prepare(params) {
    const active = params.branches.filter((b) => b.weight > 0);
    return {
      ...prepareRoute(params),
      handles: active.map((b) => b.id),
      weights: active.map((b) => b.weight),
      total: active.reduce((s, b) => s + b.weight, 0),
      standby: params.branches.filter((b) => b.weight <= 0).map((b) => b.id),
      sticky: params.sticky ?? 'none',
    };
  },
  execute(ctx) {
    const s = ctx.state;
    const random = randomOf(ctx);
    const n = s.handles.length;
    const order: string[] = [];
    const used: boolean[] = new Array(n).fill(false);
    let remaining = s.total;
    const id = stickyId(ctx, s.sticky);
    for (let k = 0; k < n; k++) {
      const u = k === 0 && id !== undefined ? unitHash(id) : random();
      const i = pickIndex(s.weights, used, remaining, u);
      used[i] = true;
      remaining -= s.weights[i];
      order.push(s.handles[i]);
    }
    for (const h of s.standby) order.push(h);
    if (id !== undefined) ctx.note(`sticky by ${s.sticky}`);
    return tryInOrder(ctx, s, order);
  },
};
