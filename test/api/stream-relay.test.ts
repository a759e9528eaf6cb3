import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';

/**
 * A streamed answer through the gateway, byte for byte: chunks the openai provider had nothing to
 * fix in reach the client as the upstream wrote them (so `\u00e9` stays an escape, which
 * serializing again would turn into `é`), with usage shaped as the client asked; chunks it had
 * to fix are serialized from their fixed form.
 */
const CONTENT = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"caf\\u00e9 "},"logprobs":null,"finish_reason":null}],"usage":null}';
const UNFINISHED = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"na\\u00efve"},"logprobs":null}],"usage":null}';
const LAST = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}';
const USAGE = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}';

describe('the stream relay and the upstream\'s own JSON text', () => {
  let upstream: Server;
  let gw: TestGateway;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end([CONTENT, UNFINISHED, LAST, USAGE, '[DONE]'].map((data) => `data: ${data}\n\n`).join(''));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    gw = await startTestGateway({
      seedMock: false,
      config: { providers: [{ id: 'up', plugin: 'openai', settings: { baseUrl }, credentials: [{ name: 'k', secret: { apiKey: 'sk-up' } }] }], models: [{ id: 'm', provider: 'up' }], pipelines: [] },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  /** The `data:` payloads of a streamed chat call, as text. */
  async function dataLines(body: Record<string, unknown>): Promise<string[]> {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, ...body }),
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).split('\n\n').filter((frame) => frame !== '');
    for (const line of lines) expect(line.startsWith('data: ')).toBe(true);
    return lines.map((line) => line.slice('data: '.length));
  }

  it('relays the chunks it had nothing to fix in as written, usage last, when the client asks for usage', async () => {
    const lines = await dataLines({ stream_options: { include_usage: true } });
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(CONTENT);
    expect(lines[2]).toBe(LAST);
    expect(lines[4]).toBe('[DONE]');
    // Filled in (finish_reason), so serialized from the fixed chunk.
    expect(lines[1]).not.toContain('\\u00ef');
    expect(JSON.parse(lines[1])).toMatchObject({ choices: [{ delta: { content: 'naïve' }, finish_reason: null }], usage: null });
    expect(JSON.parse(lines[3])).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
    for (const line of lines.slice(0, 4)) expectOpenAIValid('CreateChatCompletionStreamResponse', JSON.parse(line));
  });

  it('cuts `"usage":null` from the text when the client did not ask for usage', async () => {
    const lines = await dataLines({});
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(CONTENT.replace(',"usage":null}', '}'));
    expect(lines[2]).toBe(LAST.replace(',"usage":null}', '}'));
    expect(lines[3]).toBe('[DONE]');
    for (const line of lines.slice(0, 3)) {
      const chunk = JSON.parse(line) as Record<string, unknown>;
      expect('usage' in chunk).toBe(false);
      expectOpenAIValid('CreateChatCompletionStreamResponse', chunk);
    }
  });
});
