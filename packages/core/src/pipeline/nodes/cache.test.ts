import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '@switchyard/spec';
import { FakeHost } from '../testing/fake-host';
import { ManualClock, flush } from '../testing/manual-clock';
import { chain, chatInput, compile, drain, graph, n, target } from '../testing/graphs';
import { normalizedRequest } from './cache-key';

const cached = (params: Record<string, unknown> = {}) =>
  compile(graph([n('c', 'cache', { ttlSeconds: 60, ...params }), target('t', 'p', 'm')], chain(['c', 'next'], 't')));

describe('cache node', () => {
  it('answers the same request from the cache until the TTL passes', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p/m': [{ text: 'first' }, { text: 'second' }] } });
    const p = await cached();
    const a = await p.run(chatInput(), host);
    await flush();
    const b = await p.run(chatInput({}, { temperature: undefined }), host);
    expect(b.ok && b.cacheHit).toBe(true);
    expect(b.ok && b.kind === 'json' && (b.response as ChatCompletion).choices[0].message.content).toBe('first');
    expect(b.attempts).toHaveLength(0);
    expect(b.trace[0].decision).toBe('hit');
    expect(a.ok && a.cacheHit).toBe(false);
    await clock.advance(61_000);
    const c = await p.run(chatInput(), host);
    expect(c.ok && c.cacheHit).toBe(false);
    expect(host.calls).toHaveLength(2);
  });

  it('keeps callers apart by default and different requests apart', async () => {
    const host = new FakeHost();
    const p = await cached();
    await p.run(chatInput(), host);
    await flush();
    const other = await p.run(chatInput({ principal: { method: 'api-key', id: 'key_2', scopes: [] } }), host);
    expect(other.ok && other.cacheHit).toBe(false);
    const different = await p.run(chatInput({}, { temperature: 1 }), host);
    expect(different.ok && different.cacheHit).toBe(false);
    const shared = await cached({ scope: 'global' });
    await shared.run(chatInput(), host);
    await flush();
    const hit = await shared.run(chatInput({ principal: { method: 'api-key', id: 'key_3', scopes: [] } }), host);
    expect(hit.ok && hit.cacheHit).toBe(true);
  });

  it('stores a completed stream and replays it as chunks, for stream and JSON requests', async () => {
    const host = new FakeHost({ replies: { 'p/m': [{ stream: ['Hel', 'lo'], usage: { prompt_tokens: 2, completion_tokens: 2 } }] } });
    const p = await cached({ replayChunkChars: 2 });
    const first = await p.run(chatInput({ stream: true }), host);
    if (!first.ok || first.kind !== 'stream') throw new Error('expected a stream');
    expect((await drain(first.stream)).text).toBe('Hello');
    await flush();
    const replay = await p.run(chatInput({ stream: true }, { stream_options: { include_usage: true } }), host);
    if (!replay.ok || replay.kind !== 'stream') throw new Error('expected a stream');
    expect(replay.cacheHit).toBe(true);
    const { chunks, text } = await drain(replay.stream);
    expect(text).toBe('Hello');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).map((c) => c.choices[0].delta.content)).toEqual(['He', 'll', 'o']);
    expect(chunks.at(-1)!.usage?.total_tokens).toBe(4);
    const json = await p.run(chatInput(), host);
    expect(json.ok && json.kind === 'json' && (json.response as ChatCompletion).choices[0].message.content).toBe('Hello');
    expect(host.calls).toHaveLength(1);
  });

  it('does not store a stream that failed or was cut short', async () => {
    const host = new FakeHost({ replies: { 'p/m': [{ stream: ['a', 'b', 'c'], failAfter: 2 }, { stream: ['a', 'b', 'c'] }, { text: 'fresh' }] } });
    const p = await cached();
    const broken = await p.run(chatInput({ stream: true }), host);
    if (broken.ok && broken.kind === 'stream') await drain(broken.stream);
    const cut = await p.run(chatInput({ stream: true }), host);
    if (cut.ok && cut.kind === 'stream') for await (const _ of cut.stream) break;
    await flush();
    const after = await p.run(chatInput(), host);
    expect(after.ok && after.cacheHit).toBe(false);
  });

  it('returned answers cannot change the cached one', async () => {
    const host = new FakeHost();
    const p = await cached();
    const a = await p.run(chatInput(), host);
    await flush();
    if (a.ok && a.kind === 'json') (a.response as ChatCompletion).choices[0].message.content = 'tampered';
    const b = await p.run(chatInput(), host);
    expect(b.ok && b.kind === 'json' && (b.response as ChatCompletion).choices[0].message.content).toBe('ok from p/m');
  });

  it('normalizes requests: key order, nulls and transport fields do not matter', () => {
    expect(normalizedRequest({ model: 'm', messages: [], temperature: null, stream: true } as never)).toBe(normalizedRequest({ messages: [], model: 'm' } as never));
    expect(normalizedRequest({ model: 'm', messages: [{ role: 'user', content: 'a' }] } as never)).not.toBe(normalizedRequest({ model: 'm', messages: [{ role: 'user', content: 'b' }] } as never));
  });
});
