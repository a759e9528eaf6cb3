import { MemoryCircuitStore, MemoryLatencyStore, MemoryRateLimitStore } from '@switchyard/core';
import type { CircuitPolicy } from '@switchyard/spec';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCircuitStore, RedisLatencyStore, RedisRateLimitStore, RedisResponseCache } from '../../server/src/scale/redis-stores';
import { REDIS_URL, redisAvailable, uniqueRedisPrefix } from '../support/redis';

const available = await redisAvailable();

describe.skipIf(!available)('Redis pipeline stores', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
  });

  describe('RedisRateLimitStore', () => {
    it('decides exactly like the in-memory sliding window, step by step', async () => {
      const redisStore = new RedisRateLimitStore(redis, uniqueRedisPrefix());
      const memory = new MemoryRateLimitStore();
      const W = 60_000;
      // A walk through several windows: bursts, denials, the previous window fading, a skipped window.
      const times = [17_000, 17_001, 17_002, 17_003, 17_004, 17_005, 30_000, 59_999, 61_000, 75_000, 90_000, 100_000, 119_000, 130_000, 200_000, 250_000];
      for (const t of times) {
        for (const amount of [1, 2]) {
          expect(await redisStore.consume('k', amount, 5, W, t)).toEqual(await memory.consume('k', amount, 5, W, t));
        }
      }
      await redisStore.adjust('k', -3, W, 250_001);
      await memory.adjust('k', -3, W, 250_001);
      expect(await redisStore.consume('k', 4, 5, W, 250_002)).toEqual(await memory.consume('k', 4, 5, W, 250_002));
      expect(await redisStore.consume('k', 9, 5, W, 250_003)).toEqual({ allowed: false, remaining: 0, retryAfterMs: W });
    });

    it('never lets concurrent callers past the limit together', async () => {
      const prefix = uniqueRedisPrefix();
      const second = new Redis(REDIS_URL);
      try {
        const stores = [new RedisRateLimitStore(redis, prefix), new RedisRateLimitStore(second, prefix)];
        const results = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.consume('shared', 1, 10, 60_000, 5_000)));
        expect(results.filter((r) => r.allowed)).toHaveLength(10);
      } finally {
        await second.quit();
      }
    });

    it('keeps counting in the current window when a caller clock is a little behind', async () => {
      const store = new RedisRateLimitStore(redis, uniqueRedisPrefix());
      for (let i = 0; i < 3; i++) expect((await store.consume('k', 1, 3, 1000, 2_000)).allowed).toBe(true);
      expect((await store.consume('k', 1, 3, 1000, 1_999)).allowed).toBe(false);
    });

    it('lets its keys expire', async () => {
      const prefix = uniqueRedisPrefix();
      await new RedisRateLimitStore(redis, prefix).consume('k', 1, 3, 1000, 0);
      const ttl = await redis.pttl(`${prefix}:rl:k`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3000);
    });
  });

  describe('RedisCircuitStore', () => {
    const policy: CircuitPolicy = { failureThreshold: 3, windowMs: 10_000, cooldownMs: 5_000, halfOpenProbes: 1, successesToClose: 2 };

    it('follows the same state machine as the in-memory breaker', async () => {
      const redisStore = new RedisCircuitStore(redis, uniqueRedisPrefix());
      const memory = new MemoryCircuitStore();
      type Step = ['admit', number] | ['report', number, boolean, boolean];
      const steps: Step[] = [
        ['admit', 0], ['report', 0, false, false], ['report', 1_000, false, false], ['report', 12_000, false, false],
        ['report', 12_500, false, false], ['admit', 12_600], ['report', 13_000, false, false], ['admit', 13_001],
        ['admit', 17_999], ['admit', 18_000], ['admit', 18_001], ['report', 18_100, true, true], ['admit', 18_200],
        ['report', 18_300, false, true], ['admit', 23_299], ['admit', 23_300], ['admit', 28_300], ['report', 28_400, true, true],
        ['admit', 28_500], ['report', 28_600, true, true], ['admit', 28_700], ['report', 28_800, false, false], ['report', 28_900, true, false],
      ];
      for (const step of steps) {
        if (step[0] === 'admit') {
          expect(await redisStore.admit('t', policy, step[1])).toEqual(await memory.admit('t', policy, step[1]));
        } else {
          const outcome = { ok: step[2], probe: step[3] };
          expect(await redisStore.report('t', outcome, policy, step[1])).toBe(await memory.report('t', outcome, policy, step[1]));
        }
        const expected = memory.peek('t');
        const stored = await redisStore.peek('t');
        if (expected && !(expected.phase === 'closed' && expected.failures.length === 0)) expect(stored).toEqual(expected);
        else expect(stored?.failures ?? []).toEqual([]);
      }
    });

    it('gives the single half-open probe to one of two instances only', async () => {
      const prefix = uniqueRedisPrefix();
      const second = new Redis(REDIS_URL);
      try {
        const a = new RedisCircuitStore(redis, prefix);
        const b = new RedisCircuitStore(second, prefix);
        for (let i = 0; i < 3; i++) await a.report('t', { ok: false, probe: false }, policy, 100);
        expect((await b.admit('t', policy, 200)).allowed).toBe(false); // b sees a's open breaker
        const both = await Promise.all([a.admit('t', policy, 6_000), b.admit('t', policy, 6_000)]);
        expect(both.filter((x) => x.allowed)).toHaveLength(1);
      } finally {
        await second.quit();
      }
    });
  });

  describe('RedisResponseCache', () => {
    it('stores a copy with a TTL and returns nothing after it', async () => {
      const prefix = uniqueRedisPrefix();
      const cache = new RedisResponseCache(redis, prefix, 1000);
      const body = { id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [] } as never;
      expect(await cache.get('a')).toBeUndefined();
      await cache.set('a', { kind: 'chat', body, storedAt: 7 }, 60_000);
      expect(await cache.get('a')).toEqual({ kind: 'chat', body, storedAt: 7 });
      const ttl = await redis.pttl(`${prefix}:cache:a`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await cache.set('b', { kind: 'chat', body, storedAt: 7 }, 1);
      await new Promise((r) => setTimeout(r, 5));
      expect(await cache.get('b')).toBeUndefined();
      await cache.set('big', { kind: 'chat', body: { text: 'x'.repeat(2000) } as never, storedAt: 7 }, 60_000);
      expect(await cache.get('big')).toBeUndefined();
    });
  });

  describe('RedisLatencyStore', () => {
    it('keeps the same moving averages as the in-memory store', async () => {
      const redisStore = new RedisLatencyStore(redis, uniqueRedisPrefix(), 0.5);
      const memory = new MemoryLatencyStore(0.5);
      const samples = [{ latencyMs: 100 }, { latencyMs: 200, ttftMs: 50 }, { latencyMs: 200 }, { ttftMs: 10 }, { latencyMs: 33.3, ttftMs: 7.5 }];
      for (const [i, s] of samples.entries()) {
        await redisStore.record('k', s, 1_764_300_000_000 + i);
        await memory.record('k', s, 1_764_300_000_000 + i);
      }
      expect(await redisStore.get(['k', 'other'])).toEqual(await memory.get(['k', 'other']));
      expect(await redisStore.get([])).toEqual([]);
    });
  });
});
