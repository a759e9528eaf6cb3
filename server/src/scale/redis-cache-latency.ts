import type { CachedResponse, LatencySample, LatencyStats, LatencyStore, ResponseCacheStore } from '@switchyard/spec';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script';

/**
 * Response cache shared by every instance: one string per key holding the JSON answer, with
 * Redis's own expiry as the TTL. Very large answers are not cached (one must not fill Redis).
 */
export class RedisResponseCache implements ResponseCacheStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxEntryBytes = 4 * 1024 * 1024,
  ) {}

  private key(key: string): string {
    return `${this.prefix}:cache:${key}`;
  }

  async get(key: string): Promise<CachedResponse | undefined> {
    const json = await this.redis.get(this.key(key));
    return json === null ? undefined : (JSON.parse(json) as CachedResponse);
  }

  async set(key: string, value: CachedResponse, ttlMs: number): Promise<void> {
    const json = JSON.stringify({ kind: value.kind, body: value.body, storedAt: value.storedAt });
    if (json.length > this.maxEntryBytes || ttlMs <= 0) return;
    await this.redis.set(this.key(key), json, 'PX', Math.ceil(ttlMs));
  }
}

/* Exponentially weighted moving averages, updated atomically (the same formula as MemoryLatencyStore). */
const RECORD = new LuaScript(`
local alpha, now = tonumber(ARGV[1]), ARGV[4]
local s = redis.call('HMGET', KEYS[1], 'latencyMs', 'ttftMs', 'samples')
local function avg(old, v)
  if v == nil then return old end
  if old == nil then return v end
  return old + alpha * (v - old)
end
local latency = avg(tonumber(s[1] or ''), tonumber(ARGV[2]))
local ttft = avg(tonumber(s[2] or ''), tonumber(ARGV[3]))
local fields = {'samples', string.format('%d', tonumber(s[3] or '0') + 1), 'updatedAt', now}
if latency then fields[#fields + 1] = 'latencyMs'; fields[#fields + 1] = string.format('%.17g', latency) end
if ttft then fields[#fields + 1] = 'ttftMs'; fields[#fields + 1] = string.format('%.17g', ttft) end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`);

export class RedisLatencyStore implements LatencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly alpha = 0.3,
    /** Averages nobody updated for this long are forgotten. */
    private readonly ttlMs = 24 * 3600_000,
  ) {}

  private key(key: string): string {
    return `${this.prefix}:lat:${key}`;
  }

  async record(key: string, sample: LatencySample, now: number): Promise<void> {
    const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '' : String(v));
    await RECORD.run(this.redis, [this.key(key)], [this.alpha, num(sample.latencyMs), num(sample.ttftMs), Math.floor(now), this.ttlMs]);
  }

  async get(keys: readonly string[]): Promise<(LatencyStats | undefined)[]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const k of keys) pipeline.hmget(this.key(k), 'latencyMs', 'ttftMs', 'samples', 'updatedAt');
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      const [latencyMs, ttftMs, samples, updatedAt] = value as (string | null)[];
      if (samples === null) return undefined;
      return {
        ...(latencyMs !== null ? { latencyMs: Number(latencyMs) } : {}),
        ...(ttftMs !== null ? { ttftMs: Number(ttftMs) } : {}),
        samples: Number(samples),
        updatedAt: Number(updatedAt),
      };
    });
  }
}
