import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError, type ChatCompletionChunk, type ChatCompletionRequest, type ProviderCallContext, type ProviderInstance } from '@switchyard/plugin-kit';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startGeminiEmulator, type GeminiEmulator } from '../../../test/emulators/gemini';
import { createGeminiProvider } from './provider';
import { readSettings } from './settings';
import { signatureOf } from './tool-call-id';

const KEY = 'AIzaSyProviderTestKey0123456789abcdef';

let emulator: GeminiEmulator;
let provider: ProviderInstance;

beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKey: KEY });
  provider = createGeminiProvider(readSettings({ baseUrl: emulator.url }));
});
afterAll(async () => {
  await provider.close?.();
  await emulator.close();
});
beforeEach(() => emulator.reset());

const ctx = (model = 'gemini-2.5-flash', signal = new AbortController().signal, credential: Record<string, string> = { apiKey: KEY }): ProviderCallContext => ({
  signal,
  model,
  credential,
  requestId: 'test',
});
const ask = (content: string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({ model: 'alias', messages: [{ role: 'user', content }], ...extra });

async function collect(iterable: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
}

describe('wire', () => {
  it('calls generateContent with the key in x-goog-api-key, never in the URL', async () => {
    await provider.chat(ask('hello'), ctx());
    const sent = emulator.requests[0];
    expect(sent.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(KEY);
    expect(sent.query.key).toBeUndefined();
  });

  it('streams with streamGenerateContent?alt=sse', async () => {
    await collect(provider.chatStream(ask('hello', { stream: true }), ctx()));
    expect(emulator.requests[0]).toMatchObject({ path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent', query: { alt: 'sse' } });
  });

  it('uses the configured API version', async () => {
    const v1 = createGeminiProvider(readSettings({ baseUrl: emulator.url, apiVersion: 'v1' }));
    await v1.chat(ask('hello'), ctx());
    expect(emulator.requests[0].path).toBe('/v1/models/gemini-2.5-flash:generateContent');
  });

  it('sends reasoning_effort, n and JSON schema as Gemini expects them', async () => {
    emulator.enqueue({ text: '{"a":1}', reasoning: 'hmm' });
    const completion = await provider.chat(
      ask('json please', { reasoning_effort: 'low', n: 2, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { a: { type: 'integer' } } } } } }),
      ctx(),
    );
    expect(emulator.requests[0].body).toMatchObject({
      generationConfig: { candidateCount: 2, thinkingConfig: { thinkingBudget: 1024, includeThoughts: true }, responseMimeType: 'application/json', responseSchema: { type: 'OBJECT' } },
    });
    expect(completion.choices.map((c) => [c.index, c.message.content, c.message.reasoning_content])).toEqual([
      [0, '{"a":1}', 'hmm'],
      [1, '{"a":1}', 'hmm'],
    ]);
  });

  it('sends JSON Schemas untouched with jsonSchemaPassthrough', async () => {
    const passthrough = createGeminiProvider(readSettings({ baseUrl: emulator.url, jsonSchemaPassthrough: true }));
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false };
    await passthrough.chat(ask('x', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema } }, tools: [{ type: 'function', function: { name: 'f', parameters: schema } }] }), ctx());
    const body = emulator.requests[0].body as { generationConfig: Record<string, unknown>; tools: { functionDeclarations: Record<string, unknown>[] }[] };
    expect(body.generationConfig.responseJsonSchema).toEqual(schema);
    expect(body.tools[0].functionDeclarations[0].parametersJsonSchema).toEqual(schema);
  });
});

describe('tool round trip on a thinking model (Gemini 3)', () => {
  it('returns the signature inside the tool call id and sends it back on the next turn', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    emulator.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] });
    const first = await provider.chat(ask('Weather in Oslo?', { tools }), ctx('gemini-3-pro-preview'));
    const call = first.choices[0].message.tool_calls![0];
    const issued = signatureOf(call.id);
    expect(issued).toEqual(expect.any(String));

    emulator.enqueue({ text: 'Cold.' });
    const second = await provider.chat(
      {
        model: 'alias',
        tools,
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: '-3C' },
        ],
      },
      ctx('gemini-3-pro-preview'),
    );
    expect(second.choices[0].message.content).toBe('Cold.');
    const history = (emulator.requests[1].body as { contents: { parts: Record<string, unknown>[] }[] }).contents;
    expect(history[1].parts[0]).toMatchObject({ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: issued });
    expect(history[2].parts[0]).toEqual({ functionResponse: { name: 'get_weather', response: { output: '-3C' } } });
  });

  it('gives streamed tool calls the same ids a JSON answer would', async () => {
    const answer = {
      candidates: [
        {
          content: { role: 'model', parts: [{ functionCall: { name: 'a', args: {} }, thoughtSignature: 'c2lnLWE=' }, { functionCall: { name: 'b', args: { x: 2 } } }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      responseId: 'same-response',
      modelVersion: 'gemini-3-pro-preview',
    };
    emulator.enqueueRecorded({ body: JSON.stringify(answer) }, { events: [JSON.stringify(answer)] });
    const json = await provider.chat(ask('go'), ctx('gemini-3-pro-preview'));
    const chunks = await collect(provider.chatStream(ask('go', { stream: true }), ctx('gemini-3-pro-preview')));
    chunks.forEach((chunk) => expectOpenAIValid('CreateChatCompletionStreamResponse', chunk));
    const streamed = assembleStream(chunks).choices[0].toolCalls;
    expect(streamed.map((c) => c.id)).toEqual(json.choices[0].message.tool_calls!.map((c) => c.id));
    expect(signatureOf(streamed[0].id!)).toBe('c2lnLWE=');
    expect(signatureOf(streamed[1].id!)).toBeUndefined();
  });
});

describe('failures', () => {
  it('maps a wrong key (Google 400 API_KEY_INVALID) to upstream_auth_failed without showing the key', async () => {
    const wrong = 'AIzaSyWrongKey99999999999999999999999';
    const error = await failureOf(provider.chat(ask('x'), ctx(undefined, undefined, { apiKey: wrong })));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 401, code: 'upstream_auth_failed', retryable: true });
    expect((error as GatewayError).message).not.toContain(wrong);
  });

  it('refuses a credential without apiKey before calling the upstream', async () => {
    const error = await failureOf(provider.chat(ask('x'), ctx(undefined, undefined, {})));
    expect(error).toMatchObject({ status: 401, code: 'upstream_auth_failed' });
    expect(emulator.requests).toHaveLength(0);
  });

  it('maps RESOURCE_EXHAUSTED with RetryInfo to a 429 with retryAfterMs, in every endpoint', async () => {
    emulator.enqueue({ error: { status: 429, retryAfterSeconds: 12 } }, { error: { status: 429, retryAfterSeconds: 7 } }, { error: { status: 429, retryAfterSeconds: 5 } });
    expect(await failureOf(provider.chat(ask('x'), ctx()))).toMatchObject({ status: 429, retryable: true, retryAfterMs: 12_000 });
    expect(await failureOf(provider.embeddings!({ model: 'a', input: 'x' }, ctx('gemini-embedding-001')))).toMatchObject({ status: 429, retryAfterMs: 7000 });
    expect(await failureOf(provider.images!({ prompt: 'x' }, ctx('imagen-4.0-generate-001')))).toMatchObject({ status: 429, retryAfterMs: 5000 });
    expect(emulator.requests).toHaveLength(3);
  });

  it('maps UNAVAILABLE to a retryable 503 and NOT_FOUND to 404', async () => {
    emulator.enqueue({ error: { status: 503, kind: 'overloaded' } }, { error: { status: 404, kind: 'not_found' } });
    expect(await failureOf(provider.chat(ask('x'), ctx()))).toMatchObject({ status: 503, retryable: true });
    const notFound = await failureOf(provider.chat(ask('x'), ctx()));
    expect(notFound).toMatchObject({ status: 404, retryable: false });
    expect((notFound as GatewayError).message).toContain('is not found for API version v1beta');
  });

  it('passes Google’s validation message through as a 400', async () => {
    const error = await failureOf(
      provider.chat({ model: 'a', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: '1-bad name' } }] }, ctx()),
    );
    expect(error).toMatchObject({ status: 400, retryable: false, code: 'invalid_argument' });
    expect((error as GatewayError).message).toContain('Invalid function name');
  });

  it('ends a stream with the mapped error when Google sends an error event mid-stream', async () => {
    const text = { candidates: [{ content: { role: 'model', parts: [{ text: 'Partial' }] }, index: 0 }], responseId: 'r' };
    const error = { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } };
    emulator.enqueueRecorded({ events: [JSON.stringify(text), JSON.stringify(error)] });
    const received: ChatCompletionChunk[] = [];
    const failed = await failureOf(
      (async () => {
        for await (const chunk of provider.chatStream(ask('x', { stream: true }), ctx())) received.push(chunk);
      })(),
    );
    expect(assembleStream(received).choices[0].text).toBe('Partial');
    expect(failed).toMatchObject({ status: 503, retryable: true, code: 'unavailable' });
    expect((failed as GatewayError).message).toBe('gemini: The model is overloaded. Please try again later.');
  });

  it('maps an unreachable upstream to a retryable 502 upstream_unreachable', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = createGeminiProvider(readSettings({ baseUrl: `http://127.0.0.1:${port}` }));
    const calls = [() => unreachable.chat(ask('x'), ctx()), () => collect(unreachable.chatStream(ask('x'), ctx())), () => unreachable.images!({ prompt: 'x' }, ctx())];
    for (const call of calls) {
      const error = await failureOf(call());
      expect(error).toMatchObject({ status: 502, retryable: true, code: 'upstream_unreachable' });
      expect((error as GatewayError).message).not.toContain(KEY);
    }
  });

  it('maps the configured timeout to a retryable 504', async () => {
    const impatient = createGeminiProvider({ ...readSettings({ baseUrl: emulator.url }), timeoutMs: 50 });
    emulator.enqueue({ text: 'late', latencyMs: 400 }, { text: 'late', latencyMs: 400 });
    expect(await failureOf(impatient.chat(ask('x'), ctx()))).toMatchObject({ status: 504, type: 'timeout_error', retryable: true });
    expect(await failureOf(impatient.images!({ prompt: 'x' }, ctx('imagen-4.0-generate-001')))).toMatchObject({ status: 504, retryable: true });
  });
});

describe('aborts and early exits', () => {
  it('rejects with the abort reason and drops the upstream request', async () => {
    emulator.enqueue({ text: 'late', latencyMs: 2000 });
    const controller = new AbortController();
    const pending = provider.chat(ask('x'), ctx(undefined, controller.signal));
    await vi.waitFor(() => expect(emulator.requests).toHaveLength(1), { interval: 5 });
    const reason = new DOMException('The client disconnected', 'AbortError');
    controller.abort(reason);
    expect(await failureOf(pending)).toBe(reason);
    await vi.waitFor(() => expect(emulator.aborted).toBe(1), { interval: 5 });
  });

  it('cancels the upstream stream when the consumer stops reading', async () => {
    emulator.enqueue({ text: 'word '.repeat(200).trim(), chunkDelayMs: 5 });
    for await (const chunk of provider.chatStream(ask('x', { stream: true }), ctx())) {
      expect(chunk.choices[0].delta.content).toBeDefined();
      break;
    }
    await vi.waitFor(() => expect(emulator.aborted).toBe(1), { interval: 5 });
  });
});

describe('embeddings', () => {
  it('sends one batch with outputDimensionality and returns floats or base64', async () => {
    const floats = await provider.embeddings!({ model: 'a', input: ['alpha', 'beta'], dimensions: 32 }, ctx('gemini-embedding-001'));
    expectOpenAIValid('CreateEmbeddingResponse', floats);
    expect(floats.data.map((d) => (d.embedding as number[]).length)).toEqual([32, 32]);
    expect(emulator.requests[0]).toMatchObject({ path: '/v1beta/models/gemini-embedding-001:batchEmbedContents' });
    expect((emulator.requests[0].body as { requests: { outputDimensionality: number }[] }).requests.map((r) => r.outputDimensionality)).toEqual([32, 32]);

    const b64 = await provider.embeddings!({ model: 'a', input: 'alpha', dimensions: 32, encoding_format: 'base64' }, ctx('gemini-embedding-001'));
    const bytes = Buffer.from(b64.data[0].embedding as string, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    expect(decoded).toEqual((floats.data[0].embedding as number[]).map((v) => Math.fround(v)));
  });
});

describe('images', () => {
  it('generates Imagen images as b64_json or data: URLs', async () => {
    const b64 = await provider.images!({ prompt: 'a lighthouse', n: 2, size: '1792x1024' }, ctx('imagen-4.0-generate-001'));
    expectOpenAIValid('ImagesResponse', b64);
    expect(b64.data).toHaveLength(2);
    expect(emulator.requests[0]).toMatchObject({
      path: '/v1beta/models/imagen-4.0-generate-001:predict',
      headers: { 'x-goog-api-key': KEY },
      body: { instances: [{ prompt: 'a lighthouse' }], parameters: { sampleCount: 2, aspectRatio: '16:9' } },
    });
    const png = Buffer.from(b64.data[0].b64_json!, 'base64');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([16, 9]);

    const urls = await provider.images!({ prompt: 'a lighthouse', response_format: 'url' }, ctx('imagen-4.0-generate-001'));
    expect(urls.data[0].url).toMatch(/^data:image\/png;base64,iVBOR/);
  });

  it('refuses when Imagen filtered every image', async () => {
    emulator.enqueue({ finish: 'content_filter' });
    expect(await failureOf(provider.images!({ prompt: 'x' }, ctx('imagen-4.0-generate-001')))).toMatchObject({ status: 400, code: 'content_policy_violation' });
  });
});

describe('listModels', () => {
  it('lists every model with capabilities', async () => {
    const models = await provider.listModels!({ signal: new AbortController().signal, credential: { apiKey: KEY }, requestId: 'm' });
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(['gemini-2.0-flash', 'gemini-3-pro-preview', 'text-embedding-004', 'imagen-4.0-generate-001']));
    expect(models.find((m) => m.id === 'gemini-2.5-pro')!.capabilities).toContain('reasoning');
    expect(models.find((m) => m.id === 'gemini-embedding-001')!.capabilities).toEqual(['embeddings']);
  });

  it('follows nextPageToken across pages', async () => {
    const many = await startGeminiEmulator({ models: Array.from({ length: 1205 }, (_, i) => ({ id: `m-${i}`, methods: ['generateContent'] })) });
    try {
      const paged = createGeminiProvider(readSettings({ baseUrl: many.url }));
      const models = await paged.listModels!({ signal: new AbortController().signal, credential: { apiKey: 'any' }, requestId: 'm' });
      expect(models).toHaveLength(1205);
      expect(many.requests.length).toBe(2);
    } finally {
      await many.close();
    }
  });
});
