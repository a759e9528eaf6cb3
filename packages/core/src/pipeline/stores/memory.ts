import type {
  CachedResponse,
  CircuitAdmission,
  CircuitPhase,
  CircuitPolicy,
  CircuitState,
  LatencySample,
  LatencyStats,
  LatencyStore,
  PipelineStores,
  RateLimitDecision,
  RateLimitStore,
  ResponseCacheStore,
  CircuitStore,
} from '@switchyard/spec';
import { admitCall, initialCircuit, reportCall } from './circuit';

/*
 * In-memory stores for one process. A multi-instance deployment swaps them for Redis versions
 * with the same interfaces. Every store bounds its memory.
 */

interface Window {
  start: number;
  previous: number;
  current: number;
}

/**
 * Sliding-window counter: the previous fixed window, weighted by how much of it still overlaps
 * the sliding window, plus the current one. Close to a true sliding window at O(1) memory per key.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private ops = 0;

  constructor(private readonly maxKeys = 100_000) {}

  private roll(key: string, windowMs: number, now: number): Window {
    const start = Math.floor(now / windowMs) * windowMs;
    let w = this.windows.get(key);
    if (!w) {
      w = { start, previous: 0, current: 0 };
      this.windows.set(key, w);
      if (++this.ops % 1000 === 0 || this.windows.size > this.maxKeys) this.sweep(now, windowMs);
    } else if (w.start !== start) {
      w.previous = start - w.start === windowMs ? w.current : 0;
      w.current = 0;
      w.start = start;
    }
    return w;
  }

  private sweep(now: number, windowMs: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= 2 * windowMs) this.windows.delete(k);
    // Still too many live keys: drop the oldest ones (Map keeps insertion order).
    for (const k of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) break;
      this.windows.delete(k);
    }
  }

  async consume(key: string, amount: number, limit: number, windowMs: number, now: number): Promise<RateLimitDecision> {
    const w = this.roll(key, windowMs, now);
    const elapsed = (now - w.start) / windowMs;
    const used = w.previous * (1 - elapsed) + w.current;
    if (used + amount <= limit) {
      w.current += amount;
      return { allowed: true, remaining: Math.max(0, Math.floor(limit - used - amount)), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: retryAfter(w, amount, limit, windowMs, now) };
  }

  async adjust(key: string, amount: number, windowMs: number, now: number): Promise<void> {
    const w = this.roll(key, windowMs, now);
    w.current = Math.max(0, w.current + amount);
  }
}

/** How long until `amount` fits, as the previous window's weight fades and the current one rolls over. */
function retryAfter(w: Window, amount: number, limit: number, windowMs: number, now: number): number {
  if (amount > limit) return windowMs;
  const intoWindow = now - w.start;
  // Within this window: previous*(1-x) + current + amount <= limit.
  if (w.previous > 0 && w.current + amount <= limit) {
    const x = 1 - (limit - w.current - amount) / w.previous;
    return Math.max(1, Math.ceil(x * windowMs - intoWindow));
  }
  // After the roll-over, this window becomes the previous one: current*(1-x) + amount <= limit.
  const x = w.current > 0 ? Math.max(0, 1 - (limit - amount) / w.current) : 0;
  return Math.max(1, Math.ceil(windowMs - intoWindow + x * windowMs));
}

export class MemoryCircuitStore implements CircuitStore {
  private readonly states = new Map<string, CircuitState>();

  async admit(key: string, policy: CircuitPolicy, now: number): Promise<CircuitAdmission> {
    const { state, admission } = admitCall(this.states.get(key) ?? initialCircuit(), policy, now);
    this.states.set(key, state);
    return admission;
  }

  async report(key: string, outcome: { ok: boolean; probe: boolean }, policy: CircuitPolicy, now: number): Promise<CircuitPhase> {
    const state = reportCall(this.states.get(key) ?? initialCircuit(), outcome, policy, now);
    this.states.set(key, state);
    return state.phase;
  }

  /** For tests and the console: the current state of a breaker. */
  peek(key: string): CircuitState | undefined {
    return this.states.get(key);
  }
}

interface CacheEntry {
  json: string;
  kind: CachedResponse['kind'];
  storedAt: number;
  expiresAt: number;
}

/**
 * Response cache with a TTL and a bound on entries and total size (least recently used go
 * first). Values are kept as JSON, so what callers do with a returned answer never changes the
 * cached one (and the behaviour matches a Redis store).
 */
export class MemoryResponseCache implements ResponseCacheStore {
  private readonly entries = new Map<string, CacheEntry>();
  private bytes = 0;

  constructor(private readonly limits: { maxEntries?: number; maxBytes?: number } = {}) {}

  async get(key: string, now: number): Promise<CachedResponse | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    if (e.expiresAt <= now) {
      this.bytes -= e.json.length;
      return undefined;
    }
    this.entries.set(key, e); // most recently used goes last
    return { kind: e.kind, body: JSON.parse(e.json), storedAt: e.storedAt };
  }

  async set(key: string, value: CachedResponse, ttlMs: number, now: number): Promise<void> {
    const json = JSON.stringify(value.body);
    const maxBytes = this.limits.maxBytes ?? 64 * 1024 * 1024;
    if (json.length > maxBytes / 4) return; // one answer may not take over the cache
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.json.length;
      this.entries.delete(key);
    }
    this.entries.set(key, { json, kind: value.kind, storedAt: value.storedAt, expiresAt: now + ttlMs });
    this.bytes += json.length;
    const maxEntries = this.limits.maxEntries ?? 10_000;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= maxEntries && this.bytes <= maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.json.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Exponentially weighted moving averages of latency and time to first token per key. */
export class MemoryLatencyStore implements LatencyStore {
  private readonly stats = new Map<string, LatencyStats>();

  /** `alpha`: weight of a new sample (0.3: the last ~5 calls dominate). */
  constructor(
    private readonly alpha = 0.3,
    private readonly maxKeys = 10_000,
  ) {}

  async record(key: string, sample: LatencySample, now: number): Promise<void> {
    const s = this.stats.get(key);
    if (!s) {
      if (this.stats.size >= this.maxKeys) this.stats.delete(this.stats.keys().next().value!);
      this.stats.set(key, { latencyMs: sample.latencyMs, ttftMs: sample.ttftMs, samples: 1, updatedAt: now });
      return;
    }
    const avg = (old: number | undefined, v: number | undefined) => (v === undefined ? old : old === undefined ? v : old + this.alpha * (v - old));
    s.latencyMs = avg(s.latencyMs, sample.latencyMs);
    s.ttftMs = avg(s.ttftMs, sample.ttftMs);
    s.samples++;
    s.updatedAt = now;
  }

  async get(keys: readonly string[]): Promise<(LatencyStats | undefined)[]> {
    return keys.map((k) => this.stats.get(k));
  }
}

export function createMemoryStores(): PipelineStores {
  return {
    rateLimits: new MemoryRateLimitStore(),
    circuits: new MemoryCircuitStore(),
    cache: new MemoryResponseCache(),
    latency: new MemoryLatencyStore(),
  };
}
