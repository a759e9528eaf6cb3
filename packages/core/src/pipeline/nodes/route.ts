import type { NodeContext, NodeOutcome } from '@switchyard/spec';
import type { GatewayError } from '../../errors';
import { abortError, clientClosedError, compileErrorMatch, describeError, toGatewayError, type ErrorMatch, type ErrorMatcher } from '../errors';

/* What the routers share: their branches, and trying branches in a ranked order. */

export interface Branch {
  id: string;
  label?: string;
}

export interface RouterParams {
  branches: Branch[];
  fallback?: boolean;
  fallbackOn?: ErrorMatch;
}

export interface RouteState {
  handles: readonly string[];
  /** `branch "x"`, built once per node for the trace. */
  decisions: Readonly<Record<string, string>>;
  fallback: boolean;
  moveOn: ErrorMatcher;
}

export function prepareRoute(params: RouterParams): RouteState {
  const handles = params.branches.map((b) => b.id);
  const decisions: Record<string, string> = Object.create(null);
  for (const h of handles) decisions[h] = `branch "${h}"`;
  return { handles, decisions, fallback: params.fallback !== false, moveOn: compileErrorMatch(params.fallbackOn) };
}

/** Called after each branch with its outcome, e.g. to record its latency. */
export type BranchObserver = (handle: string, outcome: NodeOutcome | undefined, error: GatewayError | undefined, startedAt: number) => NodeOutcome | void;

/**
 * Tries branches in `order`: the first answer wins; a failure moves on when fallback is on and
 * the error matches, else it is the node's failure. The last failure is thrown when all fail.
 */
export async function tryInOrder(ctx: NodeContext, state: RouteState, order: readonly string[], observe?: BranchObserver): Promise<NodeOutcome> {
  for (let i = 0; i < order.length; i++) {
    const handle = order[i];
    const startedAt = observe ? ctx.now() : 0;
    try {
      let outcome = await ctx.next(handle);
      if (observe) outcome = observe(handle, outcome, undefined, startedAt) ?? outcome;
      ctx.decide(state.decisions[handle]);
      return outcome;
    } catch (err) {
      const e = toGatewayError(err);
      if (observe) observe(handle, undefined, e, startedAt);
      const last = i === order.length - 1;
      if (ctx.signal.aborted) throw abortError(ctx.signal);
      if (last || !state.fallback || !state.moveOn(e)) {
        ctx.decide(`${state.decisions[handle]} failed`);
        if (!last) ctx.note(`branch "${handle}" failed: ${describeError(e)}; not moving on`);
        else if (i > 0) ctx.note(`branch "${handle}" failed: ${describeError(e)}; no branch left`);
        throw e;
      }
      ctx.note(`branch "${handle}" failed: ${describeError(e)}; trying "${order[i + 1]}"`);
    }
  }
  throw clientClosedError(); // unreachable: order is never empty
}

/** The request's random source. */
export function randomOf(ctx: NodeContext): () => number {
  return ctx.host.random ?? Math.random;
}
