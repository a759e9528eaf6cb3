import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../errors';
import { FakeHost } from '../testing/fake-host';
import { ManualClock, flush } from '../testing/manual-clock';
import { chatInput, compile, e, graph, n, target } from '../testing/graphs';
import { unitHash } from './weighted';

const fail = () => new GatewayError({ status: 503, type: 'upstream_error', message: 'down' });

function routerGraph(type: string, params: Record<string, unknown>, ids = ['a', 'b', 'c']) {
  return graph(
    [n('r', type, { branches: ids.map((id) => ({ id, ...(type === 'weighted' ? { weight: 1 } : {}) })), ...params }), ...ids.map((id) => target(`t${id}`, id, 'm'))],
    ids.map((id) => e('r', id, `t${id}`)),
  );
}

/** A deterministic random source cycling through the given values. */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe('weighted router', () => {
  it('picks in proportion to the weights', async () => {
    const g = routerGraph('weighted', {});
    g.nodes[0].params.branches = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 3 },
      { id: 'c', weight: 0 },
    ];
    const p = await compile(g);
    let u = 0;
    const host = new FakeHost({ random: () => ((u = (u + 0.37) % 1), u) });
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 400; i++) {
      const r = await p.run(chatInput(), host);
      if (r.ok) counts[r.target!.provider]++;
    }
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.4);
    expect(counts.b / counts.a).toBeLessThan(3.6);
  });

  it('falls to the others (zero-weight standby last) when the pick fails', async () => {
    const g = routerGraph('weighted', {});
    g.nodes[0].params.branches = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 0 },
    ];
    const host = new FakeHost({ random: seq(0.1), replies: { 'a/m': [{ error: fail() }], 'b/m': [{ error: fail() }] } });
    const r = await (await compile(g)).run(chatInput(), host);
    expect(r.ok && r.target?.provider).toBe('c');
    expect(host.calls.map((c) => c.target.provider)).toEqual(['a', 'b', 'c']);
  });

  it('is sticky per key when asked', async () => {
    const p = await compile(routerGraph('weighted', { sticky: 'key' }));
    const host = new FakeHost();
    const pick = async (id: string) => {
      const r = await p.run(chatInput({ principal: { method: 'api-key', id, scopes: [] } }), host);
      return r.ok ? r.target!.provider : undefined;
    };
    expect(await pick('key_x')).toBe(await pick('key_x'));
    const seen = new Set<string | undefined>();
    for (let i = 0; i < 30; i++) seen.add(await pick(`key_${i}`));
    expect(seen.size).toBe(3);
    expect(unitHash('abc')).toBe(unitHash('abc'));
  });
});

describe('least-latency router', () => {
  it('tries unmeasured branches first, then the fastest, learning from each call', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({
      clock,
      random: () => 0.99,
      replies: { 'a/m': [{ delayMs: 300, then: {} }], 'b/m': [{ delayMs: 100, then: {} }], 'c/m': [{ delayMs: 200, then: {} }] },
    });
    const p = await compile(routerGraph('least-latency', {}));
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await clock.run(p.run(chatInput(), host));
      if (r.ok) order.push(r.target!.provider);
      await flush();
    }
    expect(order).toEqual(['a', 'b', 'c', 'b', 'b']);
    const [stats] = await host.stores.latency.get(['target:b/m']);
    expect(stats?.latencyMs).toBe(100);
  });

  it('penalizes a failing branch and falls back', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, random: () => 0.99, replies: { 'a/m': [{ error: fail() }] } });
    const p = await compile(routerGraph('least-latency', { failurePenaltyMs: 5000 }, ['a', 'b']));
    const first = await clock.run(p.run(chatInput(), host));
    expect(first.ok && first.target?.provider).toBe('b');
    await flush();
    const [a] = await host.stores.latency.get(['target:a/m']);
    expect(a?.latencyMs).toBe(5000);
    const second = await clock.run(p.run(chatInput(), host));
    expect(second.ok && second.target?.provider).toBe('b');
    expect(host.callsTo('a/m')).toHaveLength(1);
  });

  it('ranks streams by time to first token', async () => {
    const host = new FakeHost({ random: () => 0.99 });
    await host.stores.latency.record('target:a/m', { latencyMs: 100, ttftMs: 90 }, 0);
    await host.stores.latency.record('target:b/m', { latencyMs: 900, ttftMs: 20 }, 0);
    const p = await compile(routerGraph('least-latency', {}, ['a', 'b']));
    const json = await p.run(chatInput(), host);
    expect(json.ok && json.target?.provider).toBe('a');
    host.calls.length = 0;
    const streamed = await p.run(chatInput({ stream: true }), new FakeHost({ random: () => 0.99, stores: { latency: host.stores.latency }, replies: { 'b/m': [{ stream: ['x'] }] } }));
    expect(streamed.ok && streamed.target?.provider).toBe('b');
  });

  it('explores a random branch now and then', async () => {
    const host = new FakeHost({ random: seq(0.01, 0.9) });
    await host.stores.latency.record('target:a/m', { latencyMs: 10 }, 0);
    await host.stores.latency.record('target:b/m', { latencyMs: 50 }, 0);
    const r = await (await compile(routerGraph('least-latency', { exploreRate: 0.05 }, ['a', 'b']))).run(chatInput(), host);
    expect(r.ok && r.target?.provider).toBe('b');
    expect(r.trace[0].notes?.[0]).toBe('exploring "b"');
  });
});

describe('lowest-cost router', () => {
  it('tries the cheapest first, unknown prices last', async () => {
    const host = new FakeHost({
      prices: {
        'a/m': { inputPer1M: 5, outputPer1M: 15 },
        'b/m': { inputPer1M: 0.15, outputPer1M: 0.6 },
      },
      replies: { 'b/m': [{ error: fail() }] },
    });
    const r = await (await compile(routerGraph('lowest-cost', {}))).run(chatInput({}, { max_tokens: 100 }), host);
    expect(host.calls.map((c) => c.target.provider)).toEqual(['b', 'a']);
    expect(r.ok && r.target?.provider).toBe('a');
    expect(r.trace[0].notes?.[0]).toMatch(/^estimated cost: b [\d.e-]+, a [\d.e-]+, c \?$/);
  });

  it('prices the request model when the target has none', async () => {
    const g = graph(
      [n('r', 'lowest-cost', { branches: [{ id: 'x' }, { id: 'y' }] }), target('tx', 'x'), target('ty', 'y', 'fixed')],
      [e('r', 'x', 'tx'), e('r', 'y', 'ty')],
    );
    const host = new FakeHost({ prices: { 'x/gpt-4o-mini': { inputPer1M: 0.1, outputPer1M: 0.1 }, 'y/fixed': { inputPer1M: 1, outputPer1M: 1 } } });
    const r = await (await compile(g)).run(chatInput(), host);
    expect(r.ok && r.target).toEqual({ provider: 'x', model: 'gpt-4o-mini' });
  });
});

describe('fallback router', () => {
  it('moves on only for the configured errors', async () => {
    const g = routerGraph('fallback', { fallbackOn: { statuses: [429] } }, ['a', 'b']);
    const host = new FakeHost({ replies: { 'a/m': [{ error: fail() }] } });
    const r = await (await compile(g)).run(chatInput(), host);
    expect(!r.ok && r.error.status).toBe(503);
    expect(r.trace[0].notes).toEqual(['branch "a" failed: 503 upstream_error (retryable); not moving on']);
    const host2 = new FakeHost({ replies: { 'a/m': [{ error: new GatewayError({ status: 429, type: 'rate_limit_error', message: 'x' }) }] } });
    const r2 = await (await compile(g)).run(chatInput(), host2);
    expect(r2.ok && r2.target?.provider).toBe('b');
  });

  it('can move on for error codes such as circuit_open', async () => {
    const g = routerGraph('fallback', { fallbackOn: { codes: ['boom'] } }, ['a', 'b']);
    const host = new FakeHost({ replies: { 'a/m': [{ error: new GatewayError({ status: 400, type: 'invalid_request_error', message: 'x', code: 'boom' }) }] } });
    const r = await (await compile(g)).run(chatInput(), host);
    expect(r.ok && r.target?.provider).toBe('b');
  });
});
