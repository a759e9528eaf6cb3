import type { CircuitAdmission, CircuitPhase, CircuitPolicy, LatencyStats, Logger, PipelineStores, RateLimitDecision } from '@switchyard/spec';
import { RateLimitedLog } from '../usage/rate-limited-log';

/**
 * Shared stores that keep traffic flowing when Redis is unreachable: a rate limit lets the call
 * through, a breaker admits it (as closed), the cache misses and latency is unknown. The
 * alternative, failing every request that passes such a node, would turn a Redis outage into a
 * gateway outage. Each failure is logged (at most every 10 s per store, with a count).
 * Writes keep their errors: the pipeline nodes already log those without failing the request.
 */
export function failOpen(stores: PipelineStores, logger: Logger): PipelineStores {
  const logs = {
    rateLimits: new RateLimitedLog(logger, 'error'),
    circuits: new RateLimitedLog(logger, 'error'),
    cache: new RateLimitedLog(logger, 'error'),
    latency: new RateLimitedLog(logger, 'error'),
  };
  const fallback = <T>(which: keyof typeof logs, value: T) => (err: Error) => {
    logs[which].log({ store: which, err: err.message }, 'shared pipeline store unavailable: letting the request through without it');
    return value;
  };
  const { rateLimits, circuits, cache, latency } = stores;
  return {
    rateLimits: {
      consume: (key, amount, limit, windowMs, now) =>
        rateLimits.consume(key, amount, limit, windowMs, now).catch(fallback<RateLimitDecision>('rateLimits', { allowed: true, remaining: Math.max(0, limit - amount), retryAfterMs: 0 })),
      adjust: (key, amount, windowMs, now) => rateLimits.adjust(key, amount, windowMs, now),
    },
    circuits: {
      admit: (key: string, policy: CircuitPolicy, now: number) => circuits.admit(key, policy, now).catch(fallback<CircuitAdmission>('circuits', { allowed: true, phase: 'closed', probe: false })),
      report: (key: string, outcome: { ok: boolean; probe: boolean }, policy: CircuitPolicy, now: number): Promise<CircuitPhase> => circuits.report(key, outcome, policy, now),
    },
    cache: {
      get: (key, now) => cache.get(key, now).catch(fallback('cache', undefined)),
      set: (key, value, ttlMs, now) => cache.set(key, value, ttlMs, now),
    },
    latency: {
      record: (key, sample, now) => latency.record(key, sample, now),
      get: (keys) => latency.get(keys).catch(fallback<(LatencyStats | undefined)[]>('latency', keys.map(() => undefined))),
    },
  };
}
