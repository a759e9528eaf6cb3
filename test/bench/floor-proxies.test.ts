import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startChild, type Child } from './child';

/**
 * The bench's floor rows do the whole job they are measured on: each floor proxy forwards the
 * caller's key and relays JSON answers and streams complete and unchanged in content, and a refused
 * key is a failure, so their requests/s are not those of a proxy that answers early, drops events
 * or fails.
 */
describe.each([
  ['the SDK proxy', 'sdk-proxy.ts', {}],
  ['the bare proxy, relaying stream bytes', 'bare-proxy.ts', {}],
  ['the bare proxy, parsing each event', 'bare-proxy.ts', { PER_EVENT: '1' }],
])('the bench floor: %s', (_name, script, env) => {
  let emulator: OpenAIEmulator;
  let proxy: Child;
  let direct: OpenAI;
  let viaProxy: OpenAI;

  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey: 'sk-proxy-check' });
    proxy = await startChild(script, { UPSTREAM_URL: emulator.openaiUrl, ...env });
    direct = new OpenAI({ apiKey: 'sk-proxy-check', baseURL: emulator.openaiUrl, maxRetries: 0 });
    viaProxy = new OpenAI({ apiKey: 'sk-proxy-check', baseURL: proxy.url, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await emulator?.close();
  });

  const request = { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user' as const, content: 'relay this please' }] };

  it('relays a JSON answer with the caller key', async () => {
    const [expected, got] = await Promise.all([direct.chat.completions.create(request), viaProxy.chat.completions.create(request)]);
    expect(got.choices[0].message.content).toBe(expected.choices[0].message.content);
    expect(got.usage).toEqual(expected.usage);
    expect(emulator.requests.at(-1)?.headers.authorization).toBe('Bearer sk-proxy-check');
  });

  it('relays every event of a stream, usage included', async () => {
    const collect = async (client: OpenAI) => {
      let text = '';
      let chunks = 0;
      let usage: unknown;
      for await (const chunk of await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } })) {
        chunks++;
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      return { text, chunks, usage };
    };
    const [expected, got] = await Promise.all([collect(direct), collect(viaProxy)]);
    expect(got.text.length).toBeGreaterThan(0);
    expect(got.usage).toBeDefined();
    expect(got).toEqual(expected);
  });

  it('passes a refused key on as a failure, not an answer', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: proxy.url, maxRetries: 0 });
    await expect(wrong.chat.completions.create(request)).rejects.toMatchObject({ status: expect.any(Number) });
  });
});
