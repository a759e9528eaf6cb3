import type { FlowChange, NodeTypeDefinition } from '@switchyard/spec';
import { sleep } from '../clock';
import { abortError, compileErrorMatch, describeError, toGatewayError, type ErrorMatch, type ErrorMatcher } from '../errors';
import { retryManifest } from './retry.manifest';
import { randomOf } from './route';

export interface RetryParams {
  attempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  multiplier?: number;
  jitter?: 'full' | 'equal' | 'none';
  honorRetryAfter?: boolean;
  maxRetryAfterMs?: number;
  retryOn?: ErrorMatch;
}

interface RetryState {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  jitter: 'full' | 'equal' | 'none';
  honorRetryAfter: boolean;
  maxRetryAfterMs: number;
  retryOn: ErrorMatcher;
  /** `{attempt: n}` for each try, made once. */
  changes: readonly FlowChange[];
}

/** The wait before try `attempt + 1` (attempt counts from 1), before any Retry-After. */
export function backoffDelay(s: Pick<RetryState, 'initialDelayMs' | 'maxDelayMs' | 'multiplier' | 'jitter'>, attempt: number, random: () => number): number {
  const base = Math.min(s.maxDelayMs, s.initialDelayMs * s.multiplier ** (attempt - 1));
  if (s.jitter === 'none') return Math.round(base);
  if (s.jitter === 'equal') return Math.round(base / 2 + (random() * base) / 2);
  return Math.round(random() * base);
}

export const retryNode: NodeTypeDefinition<RetryParams, RetryState> = {
  manifest: retryManifest,
  prepare(params) {
    const attempts = params.attempts ?? 3;
    return {
      attempts,
      initialDelayMs: params.initialDelayMs ?? 250,
      maxDelayMs: params.maxDelayMs ?? 8_000,
      multiplier: params.multiplier ?? 2,
      jitter: params.jitter ?? 'full',
      honorRetryAfter: params.honorRetryAfter !== false,
      maxRetryAfterMs: params.maxRetryAfterMs ?? 30_000,
      retryOn: compileErrorMatch(params.retryOn),
      changes: Array.from({ length: attempts }, (_, i) => ({ attempt: i + 1 })),
    };
  },
  async execute(ctx) {
    const s = ctx.state;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await ctx.next('next', s.changes[attempt - 1]);
        ctx.decide(attempt === 1 ? 'first try' : `try ${attempt}`);
        return outcome;
      } catch (err) {
        const e = toGatewayError(err);
        if (ctx.signal.aborted) throw abortError(ctx.signal);
        if (attempt >= s.attempts || !s.retryOn(e)) {
          ctx.decide(attempt >= s.attempts && s.retryOn(e) ? `gave up after ${attempt} tries` : 'not retried');
          ctx.note(`try ${attempt} failed: ${describeError(e)}`);
          throw e;
        }
        let delay = backoffDelay(s, attempt, randomOf(ctx));
        if (s.honorRetryAfter && e.retryAfterMs !== undefined) {
          if (e.retryAfterMs > s.maxRetryAfterMs) {
            ctx.decide('gave up');
            ctx.note(`try ${attempt} failed: ${describeError(e)}; the upstream asks to wait ${e.retryAfterMs} ms, more than ${s.maxRetryAfterMs}`);
            throw e;
          }
          delay = Math.max(delay, e.retryAfterMs);
        }
        ctx.note(`try ${attempt} failed: ${describeError(e)}; retrying in ${delay} ms`);
        try {
          await sleep(ctx.host.clock, delay, ctx.signal);
        } catch {
          throw abortError(ctx.signal);
        }
      }
    }
  },
};
