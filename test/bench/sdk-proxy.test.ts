import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startChild, type Child } from './child';

/**
 * The bench's SDK proxy (the floor row for an SDK-bound gateway) does the whole job it is
 * measured on: it forwards the caller's key, and relays JSON answers and streams unchanged in
 * content, so its requests/s are not those of a proxy that answers early or fails.
 */
describe('the bench SDK proxy', () => {
  let emulator: OpenAIEmulator;
  let proxy: Child;
  let direct: OpenAI;
  let viaProxy: OpenAI;

  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey: 'sk-proxy-check' });
    proxy = await startChild('sdk-proxy.ts', { UPSTREAM_URL: emulator.openaiUrl });
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

  it('relays a stream chunk by chunk, usage included', async () => {
    const collect = async (client: OpenAI) => {
      let text = '';
      let usage: unknown;
      for await (const chunk of await client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } })) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      return { text, usage };
    };
    const [expected, got] = await Promise.all([collect(direct), collect(viaProxy)]);
    expect(got.text.length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });

  it('passes a refused key on as a failure, not an answer', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: proxy.url, maxRetries: 0 });
    await expect(wrong.chat.completions.create(request)).rejects.toMatchObject({ status: 502 });
  });
});
