import type { PipelineStores } from '@switchyard/spec';
import type { Redis } from 'ioredis';
import { RedisLatencyStore, RedisResponseCache } from './redis-cache-latency';
import { RedisCircuitStore } from './redis-circuits';
import { RedisRateLimitStore } from './redis-rate-limits';

export { RedisCircuitStore, RedisLatencyStore, RedisRateLimitStore, RedisResponseCache };

/** The pipeline stores every instance shares, under `<prefix>:pl:`. Same interfaces as createMemoryStores(). */
export function createRedisStores(redis: Redis, prefix: string): PipelineStores {
  const p = `${prefix}:pl`;
  return {
    rateLimits: new RedisRateLimitStore(redis, p),
    circuits: new RedisCircuitStore(redis, p),
    cache: new RedisResponseCache(redis, p),
    latency: new RedisLatencyStore(redis, p),
  };
}
