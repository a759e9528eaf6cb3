import type { RateLimitDecision, RateLimitStore } from '@switchyard/spec';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script';

/*
 * The sliding-window counter of MemoryRateLimitStore, run atomically inside Redis so every
 * instance counts against the same windows. One hash per key: start, previous, current.
 * A caller whose clock is slightly behind the one that opened the current window is counted in
 * that window (instead of resetting it).
 */
const ROLL = `
local amount = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local windowMs = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local start = math.floor(now / windowMs) * windowMs
local saved = redis.call('HMGET', KEYS[1], 'start', 'previous', 'current')
local wstart, previous, current = start, 0, 0
if saved[1] then
  wstart = tonumber(saved[1]); previous = tonumber(saved[2]); current = tonumber(saved[3])
  if start < wstart then start = wstart; if now < wstart then now = wstart end end
  if wstart ~= start then
    if start - wstart == windowMs then previous = current else previous = 0 end
    current = 0
    wstart = start
  end
end
local function save()
  redis.call('HSET', KEYS[1], 'start', string.format('%d', wstart), 'previous', string.format('%.17g', previous), 'current', string.format('%.17g', current))
  redis.call('PEXPIRE', KEYS[1], 2 * windowMs + 1000)
end
`;

const CONSUME = new LuaScript(`${ROLL}
local elapsed = (now - wstart) / windowMs
local used = previous * (1 - elapsed) + current
if used + amount <= limit then
  current = current + amount
  save()
  return {1, math.max(0, math.floor(limit - used - amount)), 0}
end
save()
local wait
local into = now - wstart
if amount > limit then
  wait = windowMs
elseif previous > 0 and current + amount <= limit then
  local x = 1 - (limit - current - amount) / previous
  wait = math.max(1, math.ceil(x * windowMs - into))
else
  local x = 0
  if current > 0 then x = math.max(0, 1 - (limit - amount) / current) end
  wait = math.max(1, math.ceil(windowMs - into + x * windowMs))
end
return {0, 0, wait}
`);

const ADJUST = new LuaScript(`${ROLL}
current = math.max(0, current + amount)
save()
return 1
`);

export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}:rl:${key}`;
  }

  async consume(key: string, amount: number, limit: number, windowMs: number, now: number): Promise<RateLimitDecision> {
    const [allowed, remaining, retryAfterMs] = (await CONSUME.run(this.redis, [this.key(key)], [amount, limit, windowMs, now])) as number[];
    return { allowed: allowed === 1, remaining, retryAfterMs };
  }

  async adjust(key: string, amount: number, windowMs: number, now: number): Promise<void> {
    await ADJUST.run(this.redis, [this.key(key)], [amount, 0, windowMs, now]);
  }
}
