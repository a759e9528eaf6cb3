import type { ChatCompletionChunk, LatencySample, LatencyStats, NodeContext, NodeOutcome, NodeTypeDefinition } from '@switchyard/spec';
import { leastLatencyManifest } from './least-latency.manifest';
import { prepareRoute, randomOf, tryInOrder, type RouteState, type RouterParams } from './route';

export interface LeastLatencyParams extends RouterParams {
  metric?: 'auto' | 'latency' | 'ttft';
  exploreRate?: number;
  failurePenaltyMs?: number;
}

interface LeastLatencyState extends RouteState {
  /** The latency-store key of each branch (its target when the branch leads to exactly one). */
  keyOf: Readonly<Record<string, string>>;
  keys: readonly string[];
  metric: 'auto' | 'latency' | 'ttft';
  exploreRate: number;
  penaltyMs: number;
}

function score(stats: LatencyStats | undefined, metric: 'latency' | 'ttft'): number | undefined {
  if (!stats) return undefined;
  return metric === 'ttft' ? (stats.ttftMs ?? stats.latencyMs) : (stats.latencyMs ?? stats.ttftMs);
}

function record(ctx: NodeContext, key: string, sample: LatencySample): void {
  ctx.host.stores.latency.record(key, sample, ctx.now()).catch((err: Error) => ctx.host.logger?.warn({ key, err: err.message }, 'latency store write failed'));
}

/** Records the whole stream's latency when it ends (the TTFT is known when it opens). */
async function* timed(ctx: NodeContext, key: string, startedAt: number, ttftMs: number, stream: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let completed = false;
  try {
    yield* stream;
    completed = true;
  } finally {
    record(ctx, key, completed ? { ttftMs, latencyMs: ctx.now() - startedAt } : { ttftMs });
  }
}

export const leastLatencyNode: NodeTypeDefinition<LeastLatencyParams, LeastLatencyState> = {
  manifest: leastLatencyManifest,
  prepare(params, env) {
    const route = prepareRoute(params);
    const keyOf: Record<string, string> = Object.create(null);
    for (const h of route.handles) keyOf[h] = env.keyBehind(h);
    return {
      ...route,
      keyOf,
      keys: route.handles.map((h) => keyOf[h]),
      metric: params.metric ?? 'auto',
      exploreRate: params.exploreRate ?? 0.05,
      penaltyMs: params.failurePenaltyMs ?? 10_000,
    };
  },
  async execute(ctx) {
    const s = ctx.state;
    const stats = await ctx.host.stores.latency.get(s.keys);
    const metric = s.metric === 'auto' ? (ctx.stream ? 'ttft' : 'latency') : s.metric;
    const ranked = s.handles.map((h, i) => ({ h, v: score(stats[i], metric), i }));
    // Unmeasured branches first (to learn them), then fastest first; ties keep the listed order.
    ranked.sort((a, b) => (a.v === undefined ? (b.v === undefined ? a.i - b.i : -1) : b.v === undefined ? 1 : a.v - b.v || a.i - b.i));
    const random = randomOf(ctx);
    if (ranked.length > 1 && s.exploreRate > 0 && random() < s.exploreRate) {
      const pick = ranked.splice(Math.floor(random() * ranked.length), 1)[0];
      ranked.unshift(pick);
      ctx.note(`exploring "${pick.h}"`);
    }
    ctx.note(`${metric}: ${ranked.map((r) => `${r.h} ${r.v === undefined ? '?' : `${Math.round(r.v)}ms`}`).join(', ')}`);
    return tryInOrder(
      ctx,
      s,
      ranked.map((r) => r.h),
      (handle, outcome, error, startedAt): NodeOutcome | void => {
        const key = s.keyOf[handle];
        const elapsed = ctx.now() - startedAt;
        if (error) {
          const ms = Math.max(elapsed, s.penaltyMs);
          record(ctx, key, { latencyMs: ms, ttftMs: ms });
          return;
        }
        if (outcome!.kind === 'stream') return { ...outcome!, stream: timed(ctx, key, startedAt, elapsed, outcome!.stream) };
        record(ctx, key, { latencyMs: elapsed });
      },
    );
  },
};
