import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { within } from '../support/within';
import { startSlowUpstream, type SlowUpstream, type UpstreamMode } from './slow-upstream';

const PROVIDER_TIMEOUT_MS = 2000;
const STREAM_IDLE_MS = 1500;
/** The most requests this file sends at once: a bound on the upstream connections that may stay idle. */
const MOST_AT_ONCE = 300;
const MODES: UpstreamMode[] = ['hang', 'stall', 'drip', 'trickle', 'endless'];
const messages = [{ role: 'user', content: 'hello' }];

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/**
 * A slow or hung upstream (a raw TCP server this test controls, counting its open sockets) behind
 * an openai-compatible provider: every request gets a clean answer in bounded time, upstream
 * sockets are released, and the gateway serves other models and does not grow.
 */
describe('a slow or hung upstream', () => {
  let upstream: SlowUpstream;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = await startSlowUpstream();
    const provider = (id: string, timeoutMs: number) => ({ id, plugin: 'openai-compatible', settings: { baseUrl: upstream.baseUrl, timeoutMs }, credentials: [{ name: 'main', secret: { apiKey: 'sk-slow-upstream-0001' } }] });
    gw = await startTestGateway({
      env: { SWITCHYARD_STREAM_IDLE_TIMEOUT_MS: String(STREAM_IDLE_MS) },
      config: {
        // `slow` gives up quickly; `patient` keeps the provider default's spirit (a minute), so only a client can end its calls.
        providers: [{ id: 'mock', plugin: 'mock' }, provider('slow', PROVIDER_TIMEOUT_MS), provider('patient', 60_000)],
        models: [
          { id: 'mock-chat', provider: 'mock' },
          ...MODES.map((mode) => ({ id: `slow-${mode}`, provider: 'slow', upstreamModel: mode })),
          { id: 'patient-hang', provider: 'patient', upstreamModel: 'hang' },
        ],
        pipelines: [],
      },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  async function chat(model: string, stream: boolean, signal: AbortSignal = AbortSignal.timeout(20_000)): Promise<Answer> {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages }),
      signal, // a hang fails the test instead of stalling it
    });
    return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
  }

  /**
   * No upstream connection is left holding a request. Idle ones may stay: undici (7.x) opens a
   * replacement connection for each request aborted in flight and keeps it idle in the pool for
   * its keep-alive timeout (nodejs/undici#5845); those are reused, and bounded by the pool.
   */
  const socketsReleased = () =>
    within(5_000, async () => {
      expect(upstream.busy).toBe(0);
      expect(upstream.open).toBeLessThanOrEqual(MOST_AT_ONCE);
    });

  function expectTimeout(answer: Answer, code: string): void {
    expect(answer.status).toBe(504);
    expect(answer.contentType).toMatch(/application\/json/);
    const body = JSON.parse(answer.text);
    expect(body).toEqual({ error: { message: expect.any(String), type: 'timeout_error', param: null, code } });
    expect(body.error.message).not.toContain(new URL(upstream.baseUrl).port); // no upstream address
  }

  /** The data lines of an SSE answer, parsed (the final `[DONE]` as the string). */
  function events(text: string): unknown[] {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
  }

  it('answers many concurrent requests to an upstream that never answers with a clean 504, and releases every socket', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => chat('slow-hang', i % 2 === 0)));
    answers.forEach((a, i) => expectTimeout(a, i % 2 === 0 ? 'upstream_stream_stalled' : 'upstream_timeout'));
    await socketsReleased();
  });

  it('ends a stream that stalls after its first chunk with an error event, and releases the socket', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => chat('slow-stall', true)));
    for (const a of answers) {
      expect(a.status).toBe(200); // sent with the first chunk, before the stall
      const sent = events(a.text);
      expect(sent).toHaveLength(2);
      expect(sent[0]).toMatchObject({ object: 'chat.completion.chunk', choices: [{ delta: { content: 'c0 ' } }] });
      expect(sent[1]).toEqual({ error: { message: expect.any(String), type: 'timeout_error', param: null, code: 'upstream_stream_stalled' } });
    }
    await socketsReleased();
  });

  it('gives up on an upstream that drips bytes but never a whole answer', async () => {
    const [stream, json] = await Promise.all([chat('slow-drip', true), chat('slow-drip', false)]);
    expectTimeout(stream, 'upstream_stream_stalled'); // SSE comments are no chunks: nothing reached the client yet
    expectTimeout(json, 'upstream_timeout'); // the provider timeout covers a JSON body read whole
    await socketsReleased();
  });

  it('relays a slow but steady stream whole: the idle limit is per pause, not per stream', async () => {
    const a = await chat('slow-trickle', true);
    expect(a.status).toBe(200);
    const sent = events(a.text);
    // Six chunks over ~1.8 s, longer than the idle limit, each pause well within it.
    expect(sent.slice(0, -1).map((e) => (e as { choices: Array<{ delta: { content?: string } }> }).choices[0].delta.content ?? '').join('')).toBe('c0 c1 c2 c3 c4 c5 ');
    expect(sent.at(-1)).toBe('[DONE]');
    await socketsReleased();
  });

  it('keeps serving other models while upstream calls hang, and releases their sockets as soon as the clients leave', async () => {
    const before = upstream.received;
    const leaving = new AbortController();
    const hung = Array.from({ length: 50 }, () => chat('patient-hang', false, leaving.signal).then(
      () => 'answered',
      () => 'left',
    ));
    // Endless streams: alive (a chunk every 200 ms), so only the client leaving can end them.
    const streams = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...gw.auth, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'slow-endless', stream: true, messages }), signal: leaving.signal });
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        await reader.read();
        return reader;
      }),
    );
    await within(10_000, async () => expect(upstream.received - before).toBe(70));
    expect(upstream.busy).toBe(70);

    const mock = await Promise.all(Array.from({ length: 20 }, (_, i) => chat('mock-chat', i % 2 === 0)));
    for (const [i, a] of mock.entries()) {
      expect(a.status).toBe(200);
      if (i % 2 === 0) expect(events(a.text).at(-1)).toBe('[DONE]');
      else expect(JSON.parse(a.text).object).toBe('chat.completion');
    }
    expect(upstream.busy).toBe(70); // all still held: the mock answers did not wait for them

    leaving.abort();
    for (const r of streams) await r.cancel().catch(() => undefined);
    expect(await Promise.all(hung)).toEqual(Array(50).fill('left'));
    // Well before any timeout (the patient provider's is a minute; endless streams never pause).
    await within(3_000, async () => expect(upstream.busy).toBe(0));
  });

  it('does not grow over rounds of hung requests', async () => {
    const rounds: Array<{ heapMb: number; rssMb: number }> = [];
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all(Array.from({ length: MOST_AT_ONCE }, (_, i) => chat('slow-hang', i % 2 === 0)));
      expect(answers.every((a) => a.status === 504)).toBe(true);
      await socketsReleased();
      gc();
      const m = process.memoryUsage();
      rounds.push({ heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 });
    }
    console.info('hung-upstream memory after each round of 300 (MB):', rounds.map((r) => `heap ${r.heapMb.toFixed(1)} rss ${r.rssMb.toFixed(1)}`).join(' | '));
    const [first, last] = [rounds[0], rounds.at(-1)!];
    // Generous: what must fail is a leak of each hung request's sockets, buffers or stream state (~20 KB or more each over 900 more requests).
    expect(last.heapMb - first.heapMb).toBeLessThan(16);
    expect(last.rssMb - first.rssMb).toBeLessThan(96);
  }, 60_000);
});
