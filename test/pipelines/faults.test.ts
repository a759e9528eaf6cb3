import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAnthropicEmulator, type AnthropicEmulator } from '../emulators/anthropic';
import { startBedrockEmulator, type BedrockEmulator } from '../emulators/bedrock';
import { startGeminiEmulator, type GeminiEmulator } from '../emulators/gemini';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { e, graph, n, publishPipeline, recordingHooks, target, until } from './support';

const CLAUDE = 'claude-haiku-4-5-20251001';
const GEMINI = 'gemini-2.5-flash';
const NOVA = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const GPT = 'gpt-4o-mini';

/**
 * Fault injection through the real provider plugins against their upstream emulators: 429
 * storms, 5xx, slow upstreams, connection resets and a stream cut midway. Fallback, retry,
 * breaker and timeout behave as docs/pipelines.md says, and billing/usage hooks see every attempt.
 */
describe('pipelines against failing upstreams', () => {
  let gw: TestGateway;
  let client: OpenAI;
  let openai: OpenAIEmulator;
  let anthropic: AnthropicEmulator;
  let gemini: GeminiEmulator;
  let bedrock: BedrockEmulator;
  const rec = recordingHooks();

  beforeAll(async () => {
    [openai, anthropic, gemini, bedrock] = await Promise.all([startOpenAIEmulator(), startAnthropicEmulator(), startGeminiEmulator(), startBedrockEmulator()]);
    gw = await startTestGateway({
      config: {
        providers: [
          { id: 'openai', plugin: 'openai', settings: { baseUrl: openai.openaiUrl }, credentials: [{ name: 'main', secret: { apiKey: 'sk-emulator-openai-0001' } }] },
          { id: 'anthropic', plugin: 'anthropic', settings: { baseUrl: anthropic.origin }, credentials: [{ name: 'main', secret: { apiKey: anthropic.apiKey } }] },
          { id: 'gemini', plugin: 'gemini', settings: { baseUrl: gemini.origin }, credentials: [{ name: 'main', secret: { apiKey: 'AIzaEmulatorKey000000000000000' } }] },
          {
            id: 'bedrock',
            plugin: 'bedrock',
            settings: { region: bedrock.region, endpoint: bedrock.url, models: [NOVA] },
            credentials: [{ name: 'main', secret: { accessKeyId: bedrock.credentials.accessKeyId, secretAccessKey: bedrock.credentials.secretAccessKey } }],
          },
        ],
        models: [],
        pipelines: [],
      },
      hooks: [rec.hooks],
    });
    client = new OpenAI({ apiKey: TEST_ADMIN_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });

    const fb = (...targets: Array<[string, string]>) =>
      graph(
        [n('fb', 'fallback', { branches: targets.map((_, i) => ({ id: `b${i}` })) }), ...targets.map(([p, m], i) => target(`t${i}`, p, m))],
        targets.map((_, i) => e('fb', `b${i}`, `t${i}`)),
      );
    await publishPipeline(gw, 'storm', fb(['openai', GPT], ['anthropic', CLAUDE]), { aliases: ['storm'] });
    await publishPipeline(gw, 'reset', fb(['openai', GPT], ['bedrock', NOVA]), { aliases: ['reset'] });
    await publishPipeline(gw, 'cut', fb(['openai', GPT], ['anthropic', CLAUDE]), { aliases: ['cut'] });
    await publishPipeline(
      gw,
      'retry',
      graph([n('retry', 'retry', { attempts: 3, initialDelayMs: 1, jitter: 'none' }), target('g', 'gemini', GEMINI)], [e('retry', 'next', 'g')]),
      { aliases: ['retry'] },
    );
    await publishPipeline(
      gw,
      'slow',
      graph(
        [n('fb', 'fallback', { branches: [{ id: 'fast' }, { id: 'spare' }] }), n('limit', 'timeout', { ttftMs: 150 }), target('g', 'gemini', GEMINI), target('b', 'bedrock', NOVA)],
        [e('fb', 'fast', 'limit'), e('limit', 'next', 'g'), e('fb', 'spare', 'b')],
      ),
      { aliases: ['slow'] },
    );
    await publishPipeline(
      gw,
      'breaker',
      graph(
        [n('fb', 'fallback', { branches: [{ id: 'main' }, { id: 'spare' }] }), n('cb', 'circuit-breaker', { failureThreshold: 2, cooldownMs: 60_000 }), target('a', 'anthropic', CLAUDE), target('o', 'openai', GPT)],
        [e('fb', 'main', 'cb'), e('cb', 'next', 'a'), e('fb', 'spare', 'o')],
      ),
      { aliases: ['breaker'] },
    );
  });
  afterAll(async () => {
    await gw?.stop();
    await Promise.all([openai, anthropic, gemini, bedrock].map((emu) => emu?.close()));
  });
  beforeEach(() => {
    rec.clear();
    for (const emu of [openai, anthropic, gemini, bedrock]) emu.reset();
  });

  const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello there' }] });
  const attemptsOf = (i: number) => rec.summaries[i].attempts.map((a) => [a.providerId, a.status]);

  it('falls back through a 429 storm to another provider, and every attempt reaches the hooks', async () => {
    openai.enqueue(...Array.from({ length: 5 }, () => ({ error: { status: 429, message: 'Rate limit reached', retryAfterSeconds: 0 } })));
    const answers = await Promise.all(Array.from({ length: 5 }, () => ask('storm')));
    for (const a of answers) expect(a.choices[0].message.content).toBe('hello there');
    await rec.waitForSummaries(5);
    expect(openai.requests).toHaveLength(5);
    expect(anthropic.requests).toHaveLength(5);
    for (let i = 0; i < 5; i++) expect(attemptsOf(i)).toEqual([['openai', 429], ['anthropic', 200]]);
    expect(rec.afters.filter((a) => a.record.providerId === 'openai').every((a) => a.error?.status === 429)).toBe(true);
    expect(rec.summaries[0].final).toMatchObject({ providerId: 'anthropic', upstreamModel: CLAUDE, usage: expect.objectContaining({ prompt_tokens: expect.any(Number) }) });
  });

  it('falls back before the first byte of a stream', async () => {
    openai.enqueue({ error: { status: 500, message: 'boom' } });
    const stream = await client.chat.completions.create({ model: 'storm', stream: true, messages: [{ role: 'user', content: 'streamed words here' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('streamed words here');
    await rec.waitForSummaries(1);
    expect(attemptsOf(0)).toEqual([['openai', 500], ['anthropic', 200]]);
    expect(rec.summaries[0]).toMatchObject({ stream: true, status: 200, final: { cut: false } });
  });

  it('retries 5xx on the same target with the attempt number, then succeeds', async () => {
    gemini.enqueue({ error: { status: 503, message: 'overloaded' } }, { error: { status: 500 } });
    const res = await ask('retry');
    expect(res.choices[0].message.content).toBe('hello there');
    expect(gemini.requests).toHaveLength(3);
    await rec.waitForSummaries(1);
    expect(attemptsOf(0)).toEqual([['gemini', 503], ['gemini', 500], ['gemini', 200]]);
    expect(rec.befores.map((b) => b.attempt)).toEqual([1, 2, 3]);
  });

  it('gives up after the retry budget with the upstream error', async () => {
    gemini.enqueue(...Array.from({ length: 3 }, () => ({ error: { status: 503, message: 'still overloaded' } })));
    const err = await ask('retry').catch((x) => x);
    expect(err.status).toBe(503);
    expect(gemini.requests).toHaveLength(3);
    await rec.waitForSummaries(1);
    expect(rec.summaries[0]).toMatchObject({ status: 503, pipeline: { id: 'retry', version: 1 } });
    expect(rec.summaries[0].attempts).toHaveLength(3);
  });

  it('times out a slow upstream, aborts it, and falls back', async () => {
    gemini.enqueue({ latencyMs: 1500, text: 'too late' });
    const res = await ask('slow');
    expect(res.choices[0].message.content).toBe('hello there');
    await rec.waitForSummaries(1);
    expect(attemptsOf(0)).toEqual([['gemini', 504], ['bedrock', 200]]);
    expect(rec.summaries[0].attempts[0].errorCode).toBe('ttft_timeout');
    await until(() => gemini.aborted === 1, 'the upstream call to be aborted');
  });

  it('falls back after a connection reset', async () => {
    openai.enqueue({ reset: true });
    const res = await ask('reset');
    expect(res.choices[0].message.content).toBe('hello there');
    await rec.waitForSummaries(1);
    expect(attemptsOf(0)).toEqual([['openai', 502], ['bedrock', 200]]);
    expect(bedrock.requests).toHaveLength(1);
  });

  it('ends a stream cut midway with an error event, without falling back, and bills what was delivered', async () => {
    // A small delay between events so the ones before the cut leave the emulator before it drops the socket.
    openai.enqueue({ text: 'one two three four five six seven eight', cutAfterEvents: 3, chunkDelayMs: 5 });
    const stream = await client.chat.completions.create({ model: 'cut', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    const failure = await (async () => {
      try {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      } catch (err) {
        return err as { status?: number; error?: { type?: string } };
      }
    })();
    expect(failure).toBeDefined();
    expect(text.length).toBeGreaterThan(0);
    expect('one two three four five six seven eight'.startsWith(text)).toBe(true);
    expect(text).not.toBe('one two three four five six seven eight');
    // No switch to anthropic once bytes went out.
    expect(anthropic.requests).toHaveLength(0);

    await rec.waitForSummaries(1);
    const s = rec.summaries[0];
    expect(s.status).toBeGreaterThanOrEqual(500);
    expect(s.attempts).toHaveLength(1);
    expect(s.attempts[0]).toMatchObject({ providerId: 'openai', cut: true });
    expect(s.attempts[0].deliveredText).toBe(text);
    // Billing's afterAttempt ran first and priced the delivered text.
    const settled = rec.afters[0].record;
    expect(settled.billing).toMatchObject({ usageCountedLocally: true, priced: true });
    expect(settled.costMicros).toBeGreaterThan(0);
  });

  it('opens the breaker after repeated failures: later requests skip the failing upstream, and the gauge says so', async () => {
    anthropic.enqueue({ error: { status: 529, kind: 'overloaded' } }, { error: { status: 500 } });
    for (let i = 0; i < 3; i++) expect((await ask('breaker')).choices[0].message.content).toBe('hello there');
    expect(anthropic.requests).toHaveLength(2);
    expect(openai.requests).toHaveLength(3);
    await rec.waitForSummaries(3);
    expect(attemptsOf(0)).toEqual([['anthropic', 503], ['openai', 200]]);
    expect(attemptsOf(2)).toEqual([['openai', 200]]);

    const metrics = await fetch(`${gw.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(new RegExp(`switchyard_circuit_state\\{provider="anthropic",model="${CLAUDE}"\\} 2`));
  });
});
