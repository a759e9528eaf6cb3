import type { CircuitAdmission, CircuitPhase, CircuitPolicy, CircuitState, CircuitStore } from '@switchyard/spec';
import type { Redis } from 'ioredis';
import { LuaScript } from './lua-script';

/*
 * The breaker state machine of packages/core/src/pipeline/stores/circuit.ts (admitCall,
 * reportCall), run inside Redis so every instance shares one breaker per key and two instances
 * cannot both take the single half-open probe slot. The rules must stay the same as there:
 * redis-circuits.test.ts runs both side by side on the same calls.
 * One hash per key: phase, failures (comma-separated times), openedAt, probes, successes.
 * Absent means closed with no failures. Keys expire after a day without calls.
 */
const LOAD = `
local threshold, windowMs, cooldownMs, halfOpenProbes, successesToClose, now =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local s = redis.call('HMGET', KEYS[1], 'phase', 'failures', 'openedAt', 'probes', 'successes')
local phase = s[1] or 'closed'
local failures = {}
if s[2] and s[2] ~= '' then for t in string.gmatch(s[2], '[^,]+') do failures[#failures + 1] = tonumber(t) end end
local openedAt = tonumber(s[3] or '')
local probes = tonumber(s[4] or '0')
local successes = tonumber(s[5] or '0')
local ttl = math.max(86400000, 4 * (windowMs + cooldownMs))
local function fmt(n) return string.format('%d', n) end
local function save()
  local list = {}
  for i, t in ipairs(failures) do list[i] = fmt(t) end
  redis.call('DEL', KEYS[1])
  local fields = {'phase', phase, 'failures', table.concat(list, ','), 'probes', fmt(probes), 'successes', fmt(successes)}
  if openedAt then fields[#fields + 1] = 'openedAt'; fields[#fields + 1] = fmt(openedAt) end
  redis.call('HSET', KEYS[1], unpack(fields))
  redis.call('PEXPIRE', KEYS[1], ttl)
end
local function open()
  phase = 'open'; failures = {}; openedAt = now; probes = 0; successes = 0
  save()
end
`;

const ADMIT = new LuaScript(`${LOAD}
if phase == 'closed' then return {1, 'closed', 0, -1} end
local since = now - (openedAt or now)
if phase == 'open' then
  if since < cooldownMs then return {0, 'open', 0, math.max(0, cooldownMs - since)} end
  phase = 'half_open'; failures = {}; openedAt = now; probes = 1; successes = 0
  save()
  return {1, 'half_open', 1, -1}
end
local stale = since >= cooldownMs
if probes < halfOpenProbes or stale then
  if stale then probes = 1; openedAt = now else probes = probes + 1 end
  save()
  return {1, 'half_open', 1, -1}
end
return {0, 'half_open', 0, math.max(0, cooldownMs - since)}
`);

const REPORT = new LuaScript(`${LOAD}
local ok, probe = ARGV[7] == '1', ARGV[8] == '1'
if phase == 'closed' then
  if ok then return phase end
  local kept = {}
  for _, t in ipairs(failures) do if now - t < windowMs then kept[#kept + 1] = t end end
  kept[#kept + 1] = now
  failures = kept
  if #failures >= threshold then open() else save() end
  return phase
end
if phase == 'half_open' and probe then
  if not ok then open(); return phase end
  successes = successes + 1
  if successes >= successesToClose then
    redis.call('DEL', KEYS[1])
    return 'closed'
  end
  probes = math.max(0, probes - 1)
  save()
  return phase
end
return phase
`);

const policyArgs = (p: CircuitPolicy, now: number) => [p.failureThreshold, p.windowMs, p.cooldownMs, p.halfOpenProbes, p.successesToClose, now];

export class RedisCircuitStore implements CircuitStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}:cb:${key}`;
  }

  async admit(key: string, policy: CircuitPolicy, now: number): Promise<CircuitAdmission> {
    const [allowed, phase, probe, retryAfterMs] = (await ADMIT.run(this.redis, [this.key(key)], policyArgs(policy, now))) as [number, CircuitPhase, number, number];
    return { allowed: allowed === 1, phase, probe: probe === 1, ...(retryAfterMs >= 0 ? { retryAfterMs } : {}) };
  }

  async report(key: string, outcome: { ok: boolean; probe: boolean }, policy: CircuitPolicy, now: number): Promise<CircuitPhase> {
    const args = [...policyArgs(policy, now), outcome.ok ? '1' : '0', outcome.probe ? '1' : '0'];
    return (await REPORT.run(this.redis, [this.key(key)], args)) as CircuitPhase;
  }

  /** The stored state of a breaker (tests, diagnostics); undefined when closed with no failures. */
  async peek(key: string): Promise<CircuitState | undefined> {
    const h = await this.redis.hgetall(this.key(key));
    if (!h.phase) return undefined;
    return {
      phase: h.phase as CircuitPhase,
      failures: h.failures ? h.failures.split(',').map(Number) : [],
      ...(h.openedAt ? { openedAt: Number(h.openedAt) } : {}),
      probesInFlight: Number(h.probes),
      probeSuccesses: Number(h.successes),
    };
  }
}
