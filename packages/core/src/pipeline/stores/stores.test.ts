import { describe, expect, it } from 'vitest';
import type { CircuitPolicy } from '@switchyard/spec';
import { admitCall, initialCircuit, reportCall } from './circuit';
import { MemoryLatencyStore, MemoryRateLimitStore, MemoryResponseCache } from './memory';

const policy: CircuitPolicy = { failureThreshold: 3, windowMs: 10_000, cooldownMs: 5_000, halfOpenProbes: 1, successesToClose: 2 };

describe('circuit state machine', () => {
  it('counts failures within the window only', () => {
    let s = initialCircuit();
    s = reportCall(s, { ok: false, probe: false }, policy, 0);
    s = reportCall(s, { ok: false, probe: false }, policy, 1_000);
    s = reportCall(s, { ok: false, probe: false }, policy, 12_000); // the first two have left the window
    s = reportCall(s, { ok: false, probe: false }, policy, 12_500);
    expect(s.phase).toBe('closed');
    s = reportCall(s, { ok: false, probe: false }, policy, 13_000);
    expect(s.phase).toBe('open');
  });

  it('lets one probe through after the cool-down, and needs successesToClose probes to close', () => {
    let s = reportCall({ ...initialCircuit(), failures: [0, 0] }, { ok: false, probe: false }, policy, 0);
    expect(admitCall(s, policy, 4_999).admission).toMatchObject({ allowed: false, retryAfterMs: 1 });
    let a = admitCall(s, policy, 5_000);
    expect(a.admission).toMatchObject({ allowed: true, probe: true, phase: 'half_open' });
    s = a.state;
    expect(admitCall(s, policy, 5_001).admission.allowed).toBe(false); // one probe at a time
    s = reportCall(s, { ok: true, probe: true }, policy, 5_100);
    expect(s.phase).toBe('half_open');
    a = admitCall(s, policy, 5_200);
    expect(a.admission.probe).toBe(true);
    s = reportCall(a.state, { ok: true, probe: true }, policy, 5_300);
    expect(s.phase).toBe('closed');
  });

  it('reopens on a failed probe and frees a probe slot that never reported', () => {
    const open = reportCall({ ...initialCircuit(), failures: [0, 0] }, { ok: false, probe: false }, policy, 0);
    const half = admitCall(open, policy, 6_000).state;
    expect(reportCall(half, { ok: false, probe: true }, policy, 6_100)).toMatchObject({ phase: 'open', openedAt: 6_100 });
    expect(admitCall(half, policy, 11_000).admission.allowed).toBe(true); // the first probe was lost
  });

  it('ignores late reports from calls admitted before the circuit opened', () => {
    const open = reportCall({ ...initialCircuit(), failures: [0, 0] }, { ok: false, probe: false }, policy, 0);
    expect(reportCall(open, { ok: false, probe: false }, policy, 100)).toBe(open);
  });
});

describe('MemoryRateLimitStore', () => {
  it('never allows more than the limit, and its retryAfter is exactly when the next call fits', async () => {
    const store = new MemoryRateLimitStore();
    const W = 60_000;
    let t = 17_000;
    let allowed = 0;
    for (let i = 0; i < 20; i++) if ((await store.consume('k', 1, 5, W, t)).allowed) allowed++;
    expect(allowed).toBe(5);
    for (let round = 0; round < 10; round++) {
      const d = await store.consume('k', 1, 5, W, t);
      if (d.allowed) continue;
      expect((await store.consume('k', 1, 5, W, t + d.retryAfterMs - 1)).allowed).toBe(false);
      t += d.retryAfterMs;
      expect((await store.consume('k', 1, 5, W, t)).allowed).toBe(true);
    }
  });

  it('refuses an amount larger than the limit outright, and adjusts', async () => {
    const store = new MemoryRateLimitStore();
    expect(await store.consume('k', 11, 10, 60_000, 0)).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    await store.consume('k', 8, 10, 60_000, 0);
    await store.adjust('k', -5, 60_000, 1);
    expect((await store.consume('k', 7, 10, 60_000, 2)).allowed).toBe(true);
  });

  it('bounds the number of keys it keeps', async () => {
    const store = new MemoryRateLimitStore(100);
    for (let i = 0; i < 1000; i++) await store.consume(`k${i}`, 1, 5, 60_000, 0);
    expect((store as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(101);
  });
});

describe('MemoryResponseCache', () => {
  const body = (text: string) => ({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }] }) as never;

  it('expires entries and evicts the least recently used', async () => {
    const cache = new MemoryResponseCache({ maxEntries: 2 });
    await cache.set('a', { kind: 'chat', body: body('a'), storedAt: 0 }, 1000, 0);
    await cache.set('b', { kind: 'chat', body: body('b'), storedAt: 0 }, 1000, 0);
    expect(await cache.get('a', 10)).toBeDefined();
    await cache.set('c', { kind: 'chat', body: body('c'), storedAt: 0 }, 1000, 10);
    expect(await cache.get('b', 20)).toBeUndefined();
    expect(await cache.get('a', 20)).toBeDefined();
    expect(await cache.get('a', 1000)).toBeUndefined();
  });
});

describe('MemoryLatencyStore', () => {
  it('keeps exponentially weighted averages per key', async () => {
    const store = new MemoryLatencyStore(0.5);
    await store.record('k', { latencyMs: 100 }, 0);
    await store.record('k', { latencyMs: 200, ttftMs: 50 }, 1);
    await store.record('k', { latencyMs: 200 }, 2);
    const [k, none] = await store.get(['k', 'other']);
    expect(k).toEqual({ latencyMs: 175, ttftMs: 50, samples: 3, updatedAt: 2 });
    expect(none).toBeUndefined();
  });
});
