import { readFileSync } from 'node:fs';
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError, type ChatCompletionChunk, type ProviderCallContext, type ProviderInstance } from '@switchyard/plugin-kit';
import { assembleStream } from '@switchyard/plugin-kit/testing';
import { startOpenAIEmulator, type OpenAIEmulator } from '../../../test/emulators/openai';
import { sharedPath } from '../../../test/emulators/http-util';
import plugin from './index';

const apiKey = 'sk-plugin-test-0123456789abcdef';
const logger = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = (extra: Partial<ProviderCallContext> = {}): ProviderCallContext => ({
  signal: new AbortController().signal,
  model: 'gpt-4o-mini',
  credential: { apiKey },
  requestId: 'test',
  ...extra,
});
const collect = async (iterable: AsyncIterable<ChatCompletionChunk>) => {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
};
const failure = async (promise: Promise<unknown>): Promise<GatewayError> => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(GatewayError.is(error)).toBe(true);
  return error as GatewayError;
};
const fixtureLines = (name: string) =>
  readFileSync(sharedPath('fixtures/openai', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe('openai provider plugin', () => {
  let emulator: OpenAIEmulator;
  let provider: ProviderInstance;

  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey });
    provider = plugin.createProvider({ baseUrl: emulator.url }, { hostVersion: '0.1.0', logger });
  });
  afterEach(() => emulator.reset());
  afterAll(async () => {
    await provider.close?.();
    await emulator.close();
  });

  it('replays the recorded OpenAI stream: the assembled text equals the original, usage comes last', async () => {
    const recorded = fixtureLines('openai-text.chunks.txt');
    const original = recorded.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    emulator.enqueueRaw(recorded);
    const chunks = await collect(provider.chatStream({ model: 'alias', messages: [{ role: 'user', content: 'Invent a holiday.' }], stream: true }, ctx()));
    const assembled = assembleStream(chunks);
    expect(assembled.choices[0].text).toBe(original);
    expect(assembled.choices[0].text.startsWith('**Holiday Name:** Harmony Day')).toBe(true);
    expect(assembled.choices[0].finishReason).toBe('stop');
    expect(chunks.length).toBe(recorded.length);
    expect(chunks.at(-1)!.usage).toEqual(recorded.at(-1).usage);
  });

  it('returns a recorded completion as OpenAI sent it', async () => {
    const recorded = JSON.parse(readFileSync(sharedPath('fixtures/openai/openai-text.json'), 'utf8'));
    emulator.enqueueJson(recorded);
    expect(await provider.chat({ model: 'alias', messages: [{ role: 'user', content: 'x' }] }, ctx())).toEqual(recorded);
  });

  it("turns OpenAI's recorded legacy-parameter error into a 400 with its param and code", async () => {
    emulator.enqueueJson(JSON.parse(readFileSync(sharedPath('fixtures/openai/reasoning-model-legacy-parameter-error.json'), 'utf8')), { status: 400 });
    const error = await failure(provider.chat({ model: 'alias', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }, ctx({ model: 'o4-mini' })));
    expect(error).toMatchObject({ status: 400, param: 'max_tokens', code: 'unsupported_parameter', retryable: false });
    expect(error.message).toContain("Use 'max_completion_tokens' instead");
  });

  it('passes unknown fields through, uses the upstream model id, and shapes stream fields per call', async () => {
    const request = {
      model: 'gateway-alias',
      messages: [{ role: 'user' as const, content: 'x' }],
      store: true,
      prediction: { type: 'content', content: 'guess' },
      service_tier: 'flex',
      stream_options: { include_usage: false },
    };
    await provider.chat(request, ctx());
    const json = emulator.requests[0].body as Record<string, unknown>;
    expect(json).toMatchObject({ model: 'gpt-4o-mini', store: true, prediction: { type: 'content', content: 'guess' }, service_tier: 'flex' });
    expect(json).not.toHaveProperty('stream_options');
    expect(json).not.toHaveProperty('stream');

    await collect(provider.chatStream({ ...request, stream: true }, ctx()));
    expect(emulator.requests[1].body).toMatchObject({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, store: true });
  });

  it('moves usage sent on a chunk that still has choices into its own last chunk', async () => {
    const base = { id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1, model: 'm' };
    emulator.enqueueRaw([
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
    ]);
    const chunks = await collect(provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx()));
    expect(chunks).toHaveLength(3);
    expect(chunks[1].usage).toBeNull();
    expect(chunks[2]).toMatchObject({ id: 'chatcmpl-x', choices: [], usage: { total_tokens: 4 } });
  });

  it("fills the fields OpenAI-compatible servers leave out and renames `reasoning` to reasoning_content", async () => {
    emulator.enqueueJson({ id: 'x', created: 1, model: 'm', choices: [{ message: { content: 'Hi', reasoning: 'thought' }, finish_reason: 'stop' }] });
    const completion = await provider.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx());
    expect(completion.choices[0]).toEqual({ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: 'Hi', refusal: null, reasoning_content: 'thought' } });

    emulator.enqueueRaw([
      { id: 'y', created: 1, model: 'm', choices: [{ index: 0, delta: { reasoning: 'think' } }] },
      { id: 'y', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop' }] },
    ]);
    const chunks = await collect(provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx()));
    expect(chunks[0].choices[0]).toEqual({ index: 0, delta: { reasoning_content: 'think' }, finish_reason: null });
    expect(chunks[0].object).toBe('chat.completion.chunk');
  });

  it('fails a stream that ends before any finish_reason as interrupted', async () => {
    emulator.enqueueRaw([{ id: 'z', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Half' }, finish_reason: null }] }]);
    const error = await failure(collect(provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx())));
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_interrupted', retryable: true });
  });

  it('fails a stream on an error event from the upstream', async () => {
    emulator.enqueueRaw([
      { id: 'z', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Half' }, finish_reason: null }] },
      { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } },
    ]);
    const error = await failure(collect(provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx())));
    expect(error).toMatchObject({ status: 502, retryable: true });
    expect(error.message).toContain('The server had an error');
  });

  it('fails a streamed call that the upstream answered with JSON instead of an event stream', async () => {
    emulator.enqueueJson({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }] });
    const error = await failure(collect(provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx())));
    expect(error).toMatchObject({ status: 502, code: 'upstream_bad_response', retryable: false });
    expect(error.message).toContain('application/json');
  });

  describe('event streams as other servers write them', () => {
    const chunk = (delta: object, finish: string | null = null) => JSON.stringify({ id: 'r', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
    /** A server that answers every call with `text` as an event stream, written in `pieces`-sized reads. */
    async function rawUpstream(text: string, pieceSize = text.length) {
      const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', async () => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (let i = 0; i < text.length; i += pieceSize) {
            res.write(text.slice(i, i + pieceSize));
            await new Promise((r) => setImmediate(r));
          }
          res.end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
      const raw = plugin.createProvider({ baseUrl: url }, { hostVersion: '0.1.0', logger });
      return { provider: raw, close: async () => { await raw.close?.(); await new Promise((r) => server.close(r)); } };
    }

    it('reads CRLF line ends, comments, multi-line data and a last event without its blank line, in small reads', async () => {
      const [head, tail] = [chunk({ role: 'assistant', content: 'Zü' }), chunk({ content: 'rich' }, 'stop')];
      const cut = tail.indexOf('"object"'); // data lines join with \n, which JSON reads as whitespace between members
      const text = `: keep-alive\r\n\r\ndata: ${head}\r\n\r\ndata: ${tail.slice(0, cut)}\r\ndata: ${tail.slice(cut)}\r\n\r\ndata: [DONE]`;
      const upstream = await rawUpstream(text, 3);
      try {
        const chunks = await collect(upstream.provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx()));
        expect(chunks.map((c) => c.choices[0]?.delta.content).join('')).toBe('Zürich');
        expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
      } finally {
        await upstream.close();
      }
    });

    it('fails on an `event: error` whose data has no `error` field, with the upstream\'s message', async () => {
      const upstream = await rawUpstream(`data: ${chunk({ content: 'Half' })}\n\nevent: error\ndata: {"message":"model overloaded"}\n\n`);
      try {
        const error = await failure(collect(upstream.provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx())));
        expect(error).toMatchObject({ status: 502, code: 'upstream_stream_error', retryable: true });
        expect(error.message).toContain('model overloaded');
      } finally {
        await upstream.close();
      }
    });

    it('fails as interrupted when an event is not JSON', async () => {
      const upstream = await rawUpstream(`data: ${chunk({ content: 'Half' })}\n\ndata: {"id": "r", "choi\n\n`);
      try {
        const error = await failure(collect(upstream.provider.chatStream({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx())));
        expect(error).toMatchObject({ status: 502, code: 'upstream_stream_interrupted', retryable: true });
      } finally {
        await upstream.close();
      }
    });
  });

  it('gives base64 embeddings even when the upstream answered with floats', async () => {
    emulator.enqueueJson({ object: 'list', model: 'e', data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.25] }], usage: { prompt_tokens: 1, total_tokens: 1 } });
    const response = await provider.embeddings!({ model: 'e', input: 'x', encoding_format: 'base64' }, ctx({ model: 'text-embedding-3-small' }));
    const bytes = Buffer.from(response.data[0].embedding as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 2))).toEqual([0.5, -0.25]);
    expect((emulator.requests[0].body as { encoding_format: string }).encoding_format).toBe('base64');
  });

  it('asks for float embeddings explicitly when the caller named no encoding', async () => {
    const response = await provider.embeddings!({ model: 'e', input: 'x' }, ctx({ model: 'text-embedding-3-small' }));
    expect((emulator.requests[0].body as { encoding_format: string }).encoding_format).toBe('float');
    expect(Array.isArray(response.data[0].embedding)).toBe(true);
  });

  it('refuses a credential without apiKey with a configuration error', async () => {
    const error = await failure(provider.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx({ credential: {} })));
    expect(error).toMatchObject({ status: 500, code: 'provider_misconfigured' });
    expect(emulator.requests).toHaveLength(0);
  });

  it('sends each credential its own key', async () => {
    const other = 'sk-other-credential-000000000';
    await provider.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx());
    await provider.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx({ credential: { apiKey: other } })).catch(() => undefined);
    expect(emulator.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${apiKey}`, `Bearer ${other}`]);
  });
});

describe('openai provider plugin settings', () => {
  let emulator: OpenAIEmulator;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('fails with a retryable 504 when the upstream is slower than timeoutMs', async () => {
    const provider = plugin.createProvider({ baseUrl: emulator.url, timeoutMs: 50 }, { hostVersion: '0.1.0', logger });
    emulator.enqueue({ text: 'late', latencyMs: 400 });
    const error = await failure(provider.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx()));
    expect(error).toMatchObject({ status: 504, type: 'timeout_error', retryable: true });
    expect(emulator.requests).toHaveLength(1);
  });

  it('sends organization and project from settings, never from the environment', async () => {
    const saved = { org: process.env.OPENAI_ORG_ID, project: process.env.OPENAI_PROJECT_ID };
    process.env.OPENAI_ORG_ID = 'org-from-env';
    process.env.OPENAI_PROJECT_ID = 'proj-from-env';
    try {
      const plain = plugin.createProvider({ baseUrl: emulator.url }, { hostVersion: '0.1.0', logger });
      await plain.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx());
      expect(emulator.requests[0].headers['openai-organization']).toBeUndefined();
      expect(emulator.requests[0].headers['openai-project']).toBeUndefined();

      const configured = plugin.createProvider({ baseUrl: emulator.url, organization: 'org-1', project: 'proj-1' }, { hostVersion: '0.1.0', logger });
      await configured.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx());
      expect(emulator.requests[1].headers['openai-organization']).toBe('org-1');
      expect(emulator.requests[1].headers['openai-project']).toBe('proj-1');
    } finally {
      for (const [name, value] of [['OPENAI_ORG_ID', saved.org], ['OPENAI_PROJECT_ID', saved.project]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('maps a refused connection to a retryable 502 upstream_unreachable', async () => {
    const closed = await startOpenAIEmulator();
    const url = closed.url;
    await closed.close();
    const provider = plugin.createProvider({ baseUrl: url }, { hostVersion: '0.1.0', logger });
    const error = await failure(provider.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }] }, ctx()));
    expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
    expect(error.message).not.toContain(apiKey);
  });
});
