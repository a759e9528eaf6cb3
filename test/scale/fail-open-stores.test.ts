import { Redis } from 'ioredis';
import type { CircuitPolicy, Logger } from '@switchyard/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { failOpen } from '../../server/src/scale/fail-open-stores';
import { createRedisStores } from '../../server/src/scale/redis-stores';

const policy: CircuitPolicy = { failureThreshold: 1, windowMs: 1000, cooldownMs: 1000, halfOpenProbes: 1, successesToClose: 1 };

/**
 * Redis stores on a server that is not there (a port nothing listens on; no retries): reads
 * fall back so requests go on, writes still report their failure, and the outage is logged.
 */
describe('shared stores when Redis is unreachable', () => {
  const dead = new Redis({ host: '127.0.0.1', port: 1, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  dead.on('error', () => undefined);
  afterAll(() => dead.disconnect());
  const logged: string[] = [];
  const logger = { error: (_f: unknown, msg: string) => logged.push(msg), warn() {}, info() {}, debug() {} } as unknown as Logger;
  const stores = failOpen(createRedisStores(dead, 'sy_dead'), logger);

  it('lets requests through a rate limit, a breaker, the cache and least-latency', async () => {
    expect(await stores.rateLimits.consume('k', 1, 5, 60_000, 0)).toEqual({ allowed: true, remaining: 4, retryAfterMs: 0 });
    expect(await stores.circuits.admit('k', policy, 0)).toEqual({ allowed: true, phase: 'closed', probe: false });
    expect(await stores.cache.get('k', 0)).toBeUndefined();
    expect(await stores.latency.get(['a', 'b'])).toEqual([undefined, undefined]);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged[0]).toContain('shared pipeline store unavailable');
  });

  it('still rejects writes, which the pipeline nodes log without failing the request', async () => {
    await expect(stores.cache.set('k', { kind: 'chat', body: {} as never, storedAt: 0 }, 1000, 0)).rejects.toThrow();
    await expect(stores.rateLimits.adjust('k', 1, 60_000, 0)).rejects.toThrow();
  });
});
