import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startChild, type Child } from './child';

/**
 * The bench's bare proxies (the floor rows) do the whole job they are measured on: JSON answers
 * and streams arrive complete, whether the stream is relayed as bytes or each event is parsed and
 * serialized again (PER_EVENT=1), so their requests/s are not those of a proxy that drops events.
 */
describe.each([
  ['relaying bytes', {}],
  ['parsing each event', { PER_EVENT: '1' }],
])('the bench bare proxy, %s', (_mode, env) => {
  let emulator: OpenAIEmulator;
  let proxy: Child;
  let direct: OpenAI;
  let viaProxy: OpenAI;

  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey: 'sk-proxy-check' });
    proxy = await startChild('bare-proxy.ts', { UPSTREAM_URL: emulator.openaiUrl, ...env });
    direct = new OpenAI({ apiKey: 'sk-proxy-check', baseURL: emulator.openaiUrl, maxRetries: 0 });
    viaProxy = new OpenAI({ apiKey: 'sk-proxy-check', baseURL: proxy.url, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await emulator?.close();
  });

  const request = { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user' as const, content: 'relay this please' }] };

  it('relays a JSON answer', async () => {
    const [expected, got] = await Promise.all([direct.chat.completions.create(request), viaProxy.chat.completions.create(request)]);
    expect(got.choices[0].message.content).toBe(expected.choices[0].message.content);
    expect(got.usage).toEqual(expected.usage);
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
});
