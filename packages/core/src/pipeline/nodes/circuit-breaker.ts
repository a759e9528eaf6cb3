import type { ChatCompletionChunk, CircuitPolicy, NodeContext, NodeTypeDefinition } from '@switchyard/spec';
import { GatewayError } from '../../errors';
import { compileErrorMatch, toGatewayError, type ErrorMatch, type ErrorMatcher } from '../errors';
import { circuitBreakerManifest } from './circuit-breaker.manifest';

export interface CircuitBreakerParams {
  failureThreshold?: number;
  windowMs?: number;
  cooldownMs?: number;
  halfOpenProbes?: number;
  successesToClose?: number;
  failOn?: ErrorMatch;
  key?: string;
}

interface BreakerState {
  key: string;
  policy: CircuitPolicy;
  counts: ErrorMatcher;
}

export function circuitOpenError(retryAfterMs?: number): GatewayError {
  return new GatewayError({
    status: 503,
    type: 'upstream_error',
    message: 'The upstream is failing; the circuit breaker is open.',
    code: 'circuit_open',
    retryable: true,
    retryAfterMs,
  });
}

function report(ctx: NodeContext<CircuitBreakerParams, BreakerState>, ok: boolean, probe: boolean): void {
  const { key, policy } = ctx.state;
  ctx.host.stores.circuits
    .report(key, { ok, probe }, policy, ctx.now())
    .catch((err: Error) => ctx.host.logger?.warn({ key, err: err.message }, 'circuit store write failed'));
}

/** Reports the stream's end: a failure mid-stream counts, a client that stops reading does not. */
async function* watched(ctx: NodeContext<CircuitBreakerParams, BreakerState>, probe: boolean, stream: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let failed = false;
  try {
    yield* stream;
  } catch (err) {
    failed = ctx.state.counts(toGatewayError(err));
    throw err;
  } finally {
    report(ctx, !failed, probe);
  }
}

export const circuitBreakerNode: NodeTypeDefinition<CircuitBreakerParams, BreakerState> = {
  manifest: circuitBreakerManifest,
  prepare(params, env) {
    return {
      key: `circuit:${params.key ?? env.keyBehind('next')}`,
      policy: {
        failureThreshold: params.failureThreshold ?? 5,
        windowMs: params.windowMs ?? 60_000,
        cooldownMs: params.cooldownMs ?? 30_000,
        halfOpenProbes: params.halfOpenProbes ?? 1,
        successesToClose: params.successesToClose ?? 1,
      },
      counts: compileErrorMatch(params.failOn),
    };
  },
  async execute(ctx) {
    const { key, policy } = ctx.state;
    const admission = await ctx.host.stores.circuits.admit(key, policy, ctx.now());
    if (!admission.allowed) {
      ctx.decide(`${admission.phase === 'open' ? 'open' : 'half-open, probes busy'}: refused`);
      throw circuitOpenError(admission.retryAfterMs);
    }
    ctx.decide(admission.probe ? 'half-open: probe' : 'closed');
    let outcome;
    try {
      outcome = await ctx.next('next');
    } catch (err) {
      const e = toGatewayError(err);
      report(ctx, !ctx.state.counts(e), admission.probe);
      throw e;
    }
    if (outcome.kind === 'stream') return { ...outcome, stream: watched(ctx, admission.probe, outcome.stream) };
    report(ctx, true, admission.probe);
    return outcome;
  },
};
