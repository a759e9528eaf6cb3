import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';

/**
 * The official openai client, unchanged, against every /v1 endpoint, with the mock provider
 * behind the gateway. Upstream-specific behaviour is covered with the OpenAI emulator elsewhere.
 */
describe('the openai client against the gateway (mock provider)', () => {
  let gw: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        providers: [
          { id: 'mock', plugin: 'mock', settings: {} },
          { id: 'flaky', plugin: 'mock', settings: { failures: [{ status: 429, retryAfterSeconds: 7, message: 'slow down' }] } },
          { id: 'broken', plugin: 'mock', settings: { failures: [{ status: 503 }] } },
        ],
        models: [
          { id: 'mock-chat', provider: 'mock', aliases: ['smart'] },
          { id: 'mock-embed', provider: 'mock' },
          { id: 'mock-image', provider: 'mock' },
          { id: 'flaky-chat', provider: 'flaky' },
          { id: 'broken-chat', provider: 'broken' },
        ],
        pipelines: [],
      },
    });
    client = new OpenAI({ apiKey: TEST_ADMIN_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => gw?.stop());

  it('answers a chat completion', async () => {
    const res = await client.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'Hello gateway' }] });
    expectOpenAIValid('CreateChatCompletionResponse', res);
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0].message.content).toBe('Hello gateway');
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.usage!.total_tokens).toBe(res.usage!.prompt_tokens + res.usage!.completion_tokens);
  });

  it('resolves an alias', async () => {
    const res = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'alias' }] });
    expect(res.choices[0].message.content).toBe('alias');
  });

  it('streams with usage last when include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-chat',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    for (const c of chunks) expectOpenAIValid('CreateChatCompletionStreamResponse', c);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two three four');
    expect(chunks.length).toBeGreaterThan(4);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: 4 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('streams without usage when not asked', async () => {
    const stream = await client.chat.completions.create({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'hi there' }] });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    for (const c of chunks) expectOpenAIValid('CreateChatCompletionStreamResponse', c);
    expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('stop');
  });

  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } } },
  ];

  it('returns tool calls', async () => {
    const res = await client.chat.completions.create({ model: 'mock-chat', tools, messages: [{ role: 'user', content: 'weather?' }] });
    expectOpenAIValid('CreateChatCompletionResponse', res);
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    const calls = res.choices[0].message.tool_calls!;
    expect(calls.map((c) => c.type === 'function' && c.function.name)).toEqual(['get_weather', 'get_time']);
    expect(JSON.parse((calls[0] as { function: { arguments: string } }).function.arguments)).toEqual({ city: 'sample city' });
  });

  it('streams parallel tool-call argument deltas that assemble', async () => {
    const stream = await client.chat.completions.create({ model: 'mock-chat', tools, stream: true, messages: [{ role: 'user', content: 'weather?' }] });
    const args: Record<number, { name?: string; arguments: string }> = {};
    let finish: string | null = null;
    for await (const c of stream) {
      expectOpenAIValid('CreateChatCompletionStreamResponse', c);
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        args[d.index] ??= { arguments: '' };
        if (d.function?.name) args[d.index].name = d.function.name;
        args[d.index].arguments += d.function?.arguments ?? '';
      }
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    expect(args[0].name).toBe('get_weather');
    expect(JSON.parse(args[1].arguments)).toEqual({ zone: 'sample zone' });
  });

  it('creates embeddings (the SDK asks for base64 and decodes it) and floats when asked', async () => {
    const res = await client.embeddings.create({ model: 'mock-embed', input: ['alpha', 'beta'] });
    expectOpenAIValid('CreateEmbeddingResponse', res);
    expect(res.data).toHaveLength(2);
    expect(res.data[0].embedding).toHaveLength(16);
    const floats = await client.embeddings.create({ model: 'mock-embed', input: 'alpha', encoding_format: 'float', dimensions: 8 });
    expectOpenAIValid('CreateEmbeddingResponse', floats);
    expect(floats.data[0].embedding).toHaveLength(8);
    const again = await client.embeddings.create({ model: 'mock-embed', input: 'alpha', encoding_format: 'float' });
    // float32 round trip of the same deterministic vector
    expect(res.data[0].embedding[0]).toBeCloseTo(again.data[0].embedding[0] as number, 6);
  });

  it('generates images', async () => {
    const res = await client.images.generate({ model: 'mock-image', prompt: 'a red square', n: 2, response_format: 'b64_json' });
    expectOpenAIValid('ImagesResponse', res);
    expect(res.data).toHaveLength(2);
    expect(Buffer.from(res.data![0].b64_json!, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('lists and retrieves models', async () => {
    const list = await client.models.list();
    expectOpenAIValid('ListModelsResponse', { object: 'list', data: list.data });
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['mock-chat', 'mock-embed', 'mock-image']));
    const one = await client.models.retrieve('mock-chat');
    expectOpenAIValid('Model', one);
    expect(one).toMatchObject({ id: 'mock-chat', object: 'model', owned_by: 'mock' });
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('rejects a missing or wrong key with 401', async () => {
    const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const err = await bad.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('invalid_api_key');
    expect(String(err.message)).not.toContain('sk-wrong');
    const none = await fetch(`${gw.url}/v1/models`);
    expect(none.status).toBe(401);
    const noneBody = await none.json();
    expectOpenAIValid('ErrorResponse', noneBody);
    expect(noneBody.error.code).toBe('missing_api_key');
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const err = await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
    expect(err.param).toBe('model');
  });

  it.each([
    ['a missing field', { model: 'mock-chat' }, 'messages', 'missing_required_parameter'],
    ['a wrong type', { model: 'mock-chat', messages: 'hello' }, 'messages', 'invalid_type'],
    ['an out-of-range value', { model: 'mock-chat', messages: [{ role: 'user', content: 'x' }], temperature: 5 }, 'temperature', 'invalid_value'],
    ['a bad nested value', { model: 'mock-chat', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', 'missing_required_parameter'],
  ])('answers %s with 400 naming the parameter', async (_label, body, param, code) => {
    const err = await client.chat.completions.create(body as never).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe(param);
    expect(err.code).toBe(code);
    expect(err.type).toBe('invalid_request_error');
  });

  it('answers malformed JSON with 400 and an unknown path with 404, both OpenAI-shaped', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...gw.auth, 'content-type': 'application/json' }, body: '{"model":' });
    expect(res.status).toBe(400);
    const malformed = await res.json();
    expectOpenAIValid('ErrorResponse', malformed);
    expect(malformed).toEqual({ error: { message: expect.stringContaining('parse the JSON'), type: 'invalid_request_error', param: null, code: 'invalid_json' } });
    const unknown = await fetch(`${gw.url}/v1/nothing-here`, { headers: gw.auth });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toBe('Invalid URL (GET /v1/nothing-here)');
  });

  it('passes an upstream 429 on with its Retry-After', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'flaky-chat', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    const limited = await res.json();
    expectOpenAIValid('ErrorResponse', limited);
    expect(limited.error).toMatchObject({ type: 'rate_limit_error', message: 'mock: slow down' });
  });

  it('maps an upstream 503 and reports a streamed failure before the first byte as a status', async () => {
    const err = await client.chat.completions.create({ model: 'broken-chat', stream: true, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(503);
  });
});

describe('body size limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { SWITCHYARD_BODY_LIMIT: '2kb' } });
  });
  afterAll(() => gw?.stop());

  it('answers a body over the limit with 413', async () => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'x'.repeat(5000) }] }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
  });
});
