import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors';
import { FakeHost } from './testing/fake-host';
import { ManualClock } from './testing/manual-clock';
import { chain, chatInput, compile, drain, e, graph, n, target } from './testing/graphs';

const rateLimited = (retryAfterMs?: number) => new GatewayError({ status: 429, type: 'rate_limit_error', message: 'slow down', retryAfterMs });
const serverError = () => new GatewayError({ status: 500, type: 'upstream_error', message: 'boom' });
const badRequest = () => new GatewayError({ status: 400, type: 'invalid_request_error', message: 'bad' });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** conditional -> fallback (3 targets), the benchmarked shape. */
function routed() {
  return graph(
    [
      n('if', 'conditional', { rules: [{ id: 'vip', when: 'user.tier == "gold"' }] }),
      n('fb', 'fallback', { branches: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] }),
      target('ta', 'p1', 'm1'),
      target('tb', 'p2', 'm2'),
      target('tc', 'p3', 'm3'),
      target('vip', 'p9', 'm9'),
    ],
    [e('if', 'vip', 'vip'), e('if', 'default', 'fb'), e('fb', 'a', 'ta'), e('fb', 'b', 'tb'), e('fb', 'c', 'tc')],
  );
}

describe('executor: routing JSON requests', () => {
  it('falls back after 429 and 5xx, and reports every attempt', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: rateLimited() }], 'p2/m2': [{ error: serverError() }], 'p3/m3': [{ text: 'third' }] } });
    const p = await compile(routed());
    const r = await p.run(chatInput(), host);
    expect(r.ok).toBe(true);
    if (!r.ok || r.kind !== 'json') throw new Error('expected JSON');
    expect((r.response as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe('third');
    expect(r.target).toEqual({ provider: 'p3', model: 'm3' });
    expect(r.attempts.map((a) => [a.provider, a.status, a.error?.status])).toEqual([
      ['p1', 'error', 429],
      ['p2', 'error', 500],
      ['p3', 'ok', undefined],
    ]);
    expect(r.attempts[2].usage?.total_tokens).toBe(8);
    const fb = r.trace.find((t) => t.nodeId === 'fb')!;
    expect(fb.decision).toBe('branch "c"');
    expect(fb.notes).toEqual(['branch "a" failed: 429 rate_limit_error (retryable); trying "b"', 'branch "b" failed: 500 upstream_error (retryable); trying "c"']);
    expect(r.trace.find((t) => t.nodeId === 'if')!.decision).toBe('default');
    expect(r.trace.map((t) => t.nodeId)).toEqual(['if', 'fb', 'ta', 'tb', 'tc']);
    expect(r.trace[2].parent).toBe(1);
  });

  it('takes the conditional branch', async () => {
    const host = new FakeHost();
    const p = await compile(routed());
    const r = await p.run(chatInput({ user: { id: 'u', tier: 'gold' } }), host);
    expect(r.ok && r.target).toEqual({ provider: 'p9', model: 'm9' });
    expect(r.trace[0].decision).toBe('rule "vip"');
  });

  it('falls back after a connection reset', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: reset() }] } });
    const r = await (await compile(routed())).run(chatInput(), host);
    expect(r.ok && r.target?.provider).toBe('p2');
    expect(r.attempts[0].error).toMatchObject({ status: 502, code: 'connection_error' });
  });

  it('falls back after a timeout', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p1/m1': [{ hang: true }] } });
    const g = routed();
    g.nodes.push(n('to', 'timeout', { totalMs: 2000 }));
    g.edges = g.edges.map((x) => (x.source === 'fb' && x.sourceHandle === 'a' ? e('fb', 'a', 'to') : x));
    g.edges.push(e('to', 'next', 'ta'));
    const r = await clock.run((await compile(g)).run(chatInput(), host));
    expect(r.ok && r.target?.provider).toBe('p2');
    expect(r.attempts[0]).toMatchObject({ provider: 'p1', status: 'error', error: { status: 504, code: 'timeout' } });
    expect(host.calls[0].call.signal.aborted).toBe(true);
  });

  it('stops at a non-retryable error and returns it', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: badRequest() }] } });
    const r = await (await compile(routed())).run(chatInput(), host);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(GatewayError);
    expect(r.error.status).toBe(400);
    expect(host.calls).toHaveLength(1);
    expect(r.trace[1].status).toBe('error');
  });

  it('returns the last error when every branch fails', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: serverError() }], 'p2/m2': [{ error: serverError() }], 'p3/m3': [{ error: rateLimited(5000) }] } });
    const r = await (await compile(routed())).run(chatInput(), host);
    expect(!r.ok && r.error.status).toBe(429);
    expect(!r.ok && r.error.retryAfterMs).toBe(5000);
    expect(r.attempts).toHaveLength(3);
  });

  it('turns an unexpected exception into a 500 without leaking it', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: new TypeError('secret internals sk-abcdefghijklmnop') }] } });
    const r = await (await compile(routed())).run(chatInput(), host);
    expect(!r.ok && r.error.status).toBe(500);
    expect(!r.ok && r.error.message).not.toContain('internals');
  });

  it('notes an unexpected error once, on the node where it happened', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: new TypeError('kaput') }] } });
    const r = await (await compile(routed())).run(chatInput(), host);
    expect(r.trace.filter((t) => t.notes?.some((x) => x.startsWith('unexpected error'))).map((t) => t.nodeId)).toEqual(['ta']);
    expect(r.trace.find((t) => t.nodeId === 'ta')!.notes).toEqual(['unexpected error: kaput']);
  });

  it('stops routing when the client has gone', async () => {
    const controller = new AbortController();
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: serverError() }] } });
    const p = await compile(routed());
    const run = p.run(chatInput({ signal: controller.signal }), host);
    controller.abort();
    const r = await run;
    expect(!r.ok && r.error.code).toBe('client_closed');
    expect(host.calls.length).toBeLessThanOrEqual(1);
  });

  it('runs embeddings through the same graph', async () => {
    const host = new FakeHost();
    const p = await compile(routed());
    const r = await p.run({ kind: 'embeddings', body: { model: 'e', input: 'hi' }, stream: false, requestId: 'r' }, host);
    expect(r.ok && r.kind === 'json' && (r.response as { object: string }).object).toBe('list');
    expect(host.calls[0].call.kind).toBe('embeddings');
  });
});

describe('executor: images', () => {
  it('routes image generation by price, and refuses a chat-only reply node', async () => {
    const host = new FakeHost({
      prices: { 'a/img': { perImage: { '1024x1024/standard': 0.04 } }, 'b/img': { perImage: { '*': 0.02 } } },
      replies: { 'b/img': [{ error: serverError() }] },
    });
    const g = graph(
      [n('lc', 'lowest-cost', { branches: [{ id: 'a' }, { id: 'b' }, { id: 'r' }] }), target('ta', 'a', 'img'), target('tb', 'b', 'img'), n('r', 'reply', { content: 'no' })],
      [e('lc', 'a', 'ta'), e('lc', 'b', 'tb'), e('lc', 'r', 'r')],
    );
    const input = { kind: 'images' as const, body: { prompt: 'a lighthouse', n: 2 }, stream: false, requestId: 'img_1' };
    const r = await (await compile(g)).run(input, host);
    expect(host.calls.map((c) => c.target.provider)).toEqual(['b', 'a']);
    expect(r.ok && r.kind === 'json' && r.response).toMatchObject({ data: [{ url: 'https://images.example/a.png' }] });
    const replyOnly = await (await compile(graph([n('r', 'reply', { content: 'no' })]))).run(input, host);
    expect(!replyOnly.ok && replyOnly.error.status).toBe(400);
  });
});

describe('executor: retry', () => {
  it('backs off exponentially and honours retryAfterMs', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({
      clock,
      random: () => 0.5,
      replies: { 'p/m': [{ error: serverError() }, { error: rateLimited(1500) }, { error: serverError() }, { text: 'fourth' }] },
    });
    const g = graph([n('r', 'retry', { attempts: 4, initialDelayMs: 100, multiplier: 2, jitter: 'none' }), target('t', 'p', 'm')], chain(['r', 'next'], 't'));
    const r = await clock.run((await compile(g)).run(chatInput(), host));
    expect(r.ok).toBe(true);
    // 100 (backoff 1), max(200, 1500) (Retry-After), 400 (backoff 3)
    expect(clock.delays).toEqual([100, 1500, 400]);
    expect(r.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(host.calls.map((c) => c.call.attempt)).toEqual([1, 2, 3, 4]);
    expect(r.trace[0].decision).toBe('try 4');
  });

  it('uses full jitter within the backoff', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, random: () => 0.25, replies: { 'p/m': [{ error: serverError() }, { error: serverError() }, {}] } });
    const g = graph([n('r', 'retry', { attempts: 3, initialDelayMs: 400 }), target('t', 'p', 'm')], chain(['r', 'next'], 't'));
    await clock.run((await compile(g)).run(chatInput(), host));
    expect(clock.delays).toEqual([100, 200]);
  });

  it('gives up when the upstream asks to wait too long, or on errors it should not retry', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p/m': [{ error: rateLimited(120_000) }] } });
    const g = graph([n('r', 'retry', { attempts: 5, maxRetryAfterMs: 30_000 }), target('t', 'p', 'm')], chain(['r', 'next'], 't'));
    const r = await clock.run((await compile(g)).run(chatInput(), host));
    expect(!r.ok && r.error.status).toBe(429);
    expect(host.calls).toHaveLength(1);
    const host2 = new FakeHost({ clock, replies: { 'p/m': [{ error: badRequest() }] } });
    const r2 = await clock.run((await compile(g)).run(chatInput(), host2));
    expect(!r2.ok && r2.error.status).toBe(400);
    expect(host2.calls).toHaveLength(1);
    expect(r2.trace[0].decision).toBe('not retried');
  });
});

describe('executor: timeout above a retry', () => {
  it('ends the retries with the timeout error, not as a client that left', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p/m': [{ error: serverError() }] } });
    const g = graph(
      [n('to', 'timeout', { totalMs: 1000 }), n('r', 'retry', { attempts: 5, initialDelayMs: 600, jitter: 'none' }), target('t', 'p', 'm')],
      chain(['to', 'next'], ['r', 'next'], 't'),
    );
    const r = await clock.run((await compile(g)).run(chatInput(), host));
    expect(!r.ok && r.error.code).toBe('timeout');
    await clock.run(Promise.resolve());
    expect(r.trace.find((t) => t.nodeId === 'r')!.error?.code).toBe('timeout');
    expect(host.calls).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });
});

describe('executor: circuit breaker', () => {
  it('opens after the threshold, probes after the cool-down, and closes again', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({
      clock,
      replies: { 'p1/m1': [{ error: serverError() }, { error: serverError() }, { text: 'probe ok' }], 'p2/m2': [{ text: 'backup' }] },
    });
    const g = graph(
      [
        n('fb', 'fallback', { branches: [{ id: 'main' }, { id: 'backup' }] }),
        n('cb', 'circuit-breaker', { failureThreshold: 2, windowMs: 10_000, cooldownMs: 5_000 }),
        target('t1', 'p1', 'm1'),
        target('t2', 'p2', 'm2'),
      ],
      [e('fb', 'main', 'cb'), e('cb', 'next', 't1'), e('fb', 'backup', 't2')],
    );
    const p = await compile(g);
    const key = 'circuit:target:p1/m1';
    const circuits = host.stores.circuits as import('./stores/memory').MemoryCircuitStore;
    await p.run(chatInput(), host);
    await p.run(chatInput(), host);
    expect(circuits.peek(key)?.phase).toBe('open');
    // Open: p1 is not called, the fallback moves on at once.
    const open = await p.run(chatInput(), host);
    expect(open.ok && open.target?.provider).toBe('p2');
    expect(host.callsTo('p1/m1')).toHaveLength(2);
    expect(open.trace.find((t) => t.nodeId === 'cb')).toMatchObject({ decision: 'open: refused', error: { code: 'circuit_open' } });
    await clock.advance(5_000);
    const probe = await p.run(chatInput(), host);
    expect(probe.ok && probe.target?.provider).toBe('p1');
    expect(probe.trace.find((t) => t.nodeId === 'cb')!.decision).toBe('half-open: probe');
    expect(circuits.peek(key)?.phase).toBe('closed');
  });

  it('reopens when the probe fails', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p1/m1': [{ error: serverError() }] } });
    const g = graph([n('cb', 'circuit-breaker', { failureThreshold: 1, cooldownMs: 1000 }), target('t1', 'p1', 'm1')], chain(['cb', 'next'], 't1'));
    const p = await compile(g);
    await p.run(chatInput(), host);
    await clock.advance(1000);
    const probe = await p.run(chatInput(), host);
    expect(probe.trace[0].decision).toBe('half-open: probe');
    const after = await p.run(chatInput(), host);
    expect(!after.ok && after.error.code).toBe('circuit_open');
    expect(!after.ok && after.error.retryAfterMs).toBe(1000);
    expect(host.calls).toHaveLength(2);
  });

  it('does not count errors outside failOn (a bad request is not an outage)', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ error: badRequest() }] } });
    const g = graph([n('cb', 'circuit-breaker', { failureThreshold: 1 }), target('t1', 'p1', 'm1')], chain(['cb', 'next'], 't1'));
    const p = await compile(g);
    await p.run(chatInput(), host);
    const r = await p.run(chatInput(), host);
    expect(!r.ok && r.error.status).toBe(400);
    expect(host.calls).toHaveLength(2);
  });
});

describe('executor: streams', () => {
  const streamInput = () => chatInput({ stream: true });

  it('relays a stream and records what was delivered', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ stream: ['Hel', 'lo'], usage: { prompt_tokens: 3, completion_tokens: 2 } }] } });
    const r = await (await compile(routed())).run(streamInput(), host);
    if (!r.ok || r.kind !== 'stream') throw new Error('expected a stream');
    expect(r.delivery.status).toBe('streaming');
    const { text, error, chunks } = await drain(r.stream);
    expect(error).toBeUndefined();
    expect(text).toBe('Hello');
    expect(r.delivery).toMatchObject({ status: 'completed', chunks: chunks.length, contentChars: 5, usage: { total_tokens: 5 } });
    expect(r.attempts[0]).toMatchObject({ status: 'ok', stream: true, chunks: chunks.length, usage: { total_tokens: 5 } });
    expect(r.attempts[0].ttftMs).toBeDefined();
  });

  it('falls back when a stream fails before its first chunk', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ stream: [], failAfter: 0, error: serverError() }], 'p2/m2': [{ stream: ['fine'] }] } });
    const r = await (await compile(routed())).run(streamInput(), host);
    if (!r.ok || r.kind !== 'stream') throw new Error('expected a stream');
    expect((await drain(r.stream)).text).toBe('fine');
    expect(r.target?.provider).toBe('p2');
  });

  it('after the first chunk, a failure ends the stream with an error and never falls back', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ stream: ['one ', 'two ', 'three'], failAfter: 3, error: serverError() }], 'p2/m2': [{ stream: ['other'] }] } });
    const r = await (await compile(routed())).run(streamInput(), host);
    if (!r.ok || r.kind !== 'stream') throw new Error('expected a stream');
    const { text, error, chunks } = await drain(r.stream);
    expect(text).toBe('one two ');
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(500);
    expect(host.callsTo('p2/m2')).toHaveLength(0);
    expect(r.delivery).toMatchObject({ status: 'failed', chunks: chunks.length, contentChars: 8, error: { status: 500 } });
    expect(r.attempts).toHaveLength(1);
    expect(r.attempts[0]).toMatchObject({ status: 'error', failedMidStream: true, chunks: 3 });
  });

  it('a retry above a stream does not retry after the first chunk', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p/m': [{ stream: ['a', 'b'], failAfter: 2, error: serverError() }] } });
    const g = graph([n('r', 'retry', { attempts: 3 }), target('t', 'p', 'm')], chain(['r', 'next'], 't'));
    const r = await (await compile(g)).run(streamInput(), host);
    if (!r.ok || r.kind !== 'stream') throw new Error('expected a stream');
    const { error, text } = await drain(r.stream);
    expect(text).toBe('a');
    expect(error).toBeInstanceOf(GatewayError);
    expect(host.calls).toHaveLength(1);
  });

  it('a client that stops reading cancels the upstream and is recorded', async () => {
    const host = new FakeHost({ replies: { 'p1/m1': [{ stream: ['a', 'b', 'c', 'd'] }] } });
    const r = await (await compile(routed())).run(streamInput(), host);
    if (!r.ok || r.kind !== 'stream') throw new Error('expected a stream');
    let seen = 0;
    for await (const _ of r.stream) if (++seen === 2) break;
    expect(r.delivery.status).toBe('cancelled');
    expect(r.delivery.chunks).toBe(2);
    expect(r.attempts[0].status).toBe('cancelled');
    expect(host.cancelledStreams).toBe(1);
  });

  it('times out on the first token and falls back', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p1/m1': [{ delayMs: 5000, then: { stream: ['late'] } }], 'p2/m2': [{ stream: ['quick'] }] } });
    const g = graph(
      [n('fb', 'fallback', { branches: [{ id: 'a' }, { id: 'b' }] }), n('to', 'timeout', { ttftMs: 1000, totalMs: 60_000 }), target('t1', 'p1', 'm1'), target('t2', 'p2', 'm2')],
      [e('fb', 'a', 'to'), e('to', 'next', 't1'), e('fb', 'b', 't2')],
    );
    const r = await clock.run((await compile(g)).run(streamInput(), host));
    if (!r.ok || r.kind !== 'stream') throw new Error('expected a stream');
    expect((await drain(r.stream)).text).toBe('quick');
    expect(r.attempts[0].error).toMatchObject({ status: 504, code: 'ttft_timeout' });
    expect(r.trace.find((t) => t.nodeId === 'to')!.decision).toBe('first token too late');
  });

  it('ends a stream that exceeds the total time with a timeout error, keeping what arrived', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p1/m1': [{ stream: ['a', 'b', 'c', 'd'], chunkDelayMs: 400 }] } });
    const g = graph([n('to', 'timeout', { ttftMs: 1000, totalMs: 1000 }), target('t1', 'p1', 'm1')], chain(['to', 'next'], 't1'));
    const r = await (await compile(g)).run(streamInput(), host);
    if (!r.ok || r.kind !== 'stream') throw new Error('expected a stream');
    const result = await clock.run(drain(r.stream));
    expect(result.text).toBe('ab');
    expect(result.error).toMatchObject({ status: 504, code: 'timeout' });
    expect(r.delivery.status).toBe('failed');
    expect(host.calls[0].call.signal.aborted).toBe(true);
    await clock.run(Promise.resolve());
    expect(r.attempts[0]).toMatchObject({ status: 'error', failedMidStream: true });
    expect(clock.pending).toBe(0);
  });
});
