import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import OpenAI, { AzureOpenAI } from 'openai';
import { startOpenAIEmulator, type OpenAIEmulator } from './openai';
import { sharedPath } from './http-util';

const KEY = 'sk-emulator-test-key-0123456789';

/** Reads a raw SSE response into its `data:` payloads (including the final [DONE]). */
async function sseData(response: Response): Promise<string[]> {
  const text = await response.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      return block.slice(6);
    });
}

function post(emulator: OpenAIEmulator, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emulator.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe('OpenAI emulator', () => {
  let emulator: OpenAIEmulator;
  let client: OpenAI;

  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey: KEY });
    client = new OpenAI({ apiKey: KEY, baseURL: emulator.url, maxRetries: 0 });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('listens on 127.0.0.1 with an OS-chosen port and exposes the OpenAI base URL', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(emulator.openaiUrl).toBe(emulator.url);
  });

  it('echoes the last user message when nothing is scripted', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'an answer' },
        { role: 'user', content: [{ type: 'text', text: 'echo' }, { type: 'text', text: 'this please' }] },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0].message.content).toBe('echo this please');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.requests[0].path).toBe('/v1/chat/completions');
    expect((emulator.requests[0].body as { model: string }).model).toBe('gpt-4o-mini');
  });

  it('answers with the scripted reply, usage details and n choices', async () => {
    emulator.enqueue({ text: 'Scripted answer.', finish: 'length', usage: { input: 12, output: 5, cachedInput: 4, reasoning: 2 } });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', n: 3, messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'Scripted answer.', 'length'],
      [1, 'Scripted answer.', 'length'],
      [2, 'Scripted answer.', 'length'],
    ]);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 5,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
  });

  it('streams text word by word as SSE, ending with [DONE], usage only when asked', async () => {
    emulator.enqueue({ text: 'One two  three\nfour', usage: { input: 3, output: 4 } }, { text: 'No usage here' });

    const withUsage = await sseData(await post(emulator, '/v1/chat/completions', { model: 'm', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] }));
    expect(withUsage.at(-1)).toBe('[DONE]');
    const chunks = withUsage.slice(0, -1).map((d) => JSON.parse(d));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const words = chunks.filter((c) => c.choices[0]?.delta.content).map((c) => c.choices[0].delta.content);
    expect(words).toEqual(['One ', 'two  ', 'three\n', 'four']);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });

    const without = (await sseData(await post(emulator, '/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] })))
      .slice(0, -1)
      .map((d) => JSON.parse(d));
    expect(without.every((c) => !('usage' in c) && c.choices.length === 1)).toBe(true);
  });

  it('streams parallel tool calls with distinct indexes and arguments split over several deltas', async () => {
    const calls = [
      { id: 'call_weather', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
    ];
    emulator.enqueue({ toolCalls: calls });
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const assembled: { id?: string; name?: string; args: string; deltas: number }[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.finish_reason) finish = choice.finish_reason;
      for (const delta of choice.delta.tool_calls ?? []) {
        const slot = (assembled[delta.index] ??= { args: '', deltas: 0 });
        if (delta.id) slot.id = delta.id;
        if (delta.function?.name) slot.name = delta.function.name;
        if (delta.function?.arguments) {
          slot.args += delta.function.arguments;
          slot.deltas++;
        }
      }
    }
    expect(finish).toBe('tool_calls');
    expect(assembled.map((s) => [s.name, s.args])).toEqual(calls.map((c) => [c.name, c.arguments]));
    expect(assembled[0].id).toBe('call_weather');
    expect(assembled[1].id).toMatch(/^call_/);
    expect(assembled.every((s) => s.deltas > 1)).toBe(true);
  });

  it('streams reasoning as reasoning_content deltas before the text', async () => {
    emulator.enqueue({ reasoning: 'Let me think about it.', text: 'Answer.' });
    const data = await sseData(await post(emulator, '/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }));
    const deltas = data.slice(0, -1).map((d) => JSON.parse(d).choices[0].delta);
    const reasoning = deltas.filter((d) => d.reasoning_content).map((d) => d.reasoning_content);
    expect(reasoning.join('')).toBe('Let me think about it.');
    expect(reasoning.length).toBeGreaterThan(1);
    expect(deltas.findIndex((d) => d.reasoning_content)).toBeLessThan(deltas.findIndex((d) => d.content));

    emulator.enqueue({ reasoning: 'Hmm.', text: 'Done.' });
    const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect((completion.choices[0].message as unknown as { reasoning_content: string }).reasoning_content).toBe('Hmm.');
  });

  it('renders scripted errors like OpenAI, with retry-after when scripted', async () => {
    emulator.enqueue({ error: { status: 429, retryAfterSeconds: 7 } });
    const response = await post(emulator, '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    const body = await response.json();
    expect(body).toEqual({ error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' } });

    emulator.enqueue({ error: { status: 500 } });
    const error = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(500);
    expect(error.type).toBe('server_error');
  });

  it('rejects a missing or wrong key with the real 401 bodies, never echoing the key in full', async () => {
    const missing = await post(emulator, '/v1/chat/completions', { model: 'm', messages: [] }, { authorization: '' });
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.message).toContain("You didn't provide an API key");

    const wrongKey = 'sk-wrong-key-abcdefghijklmnop';
    const wrong = await post(emulator, '/v1/chat/completions', { model: 'm', messages: [] }, { authorization: `Bearer ${wrongKey}` });
    expect(wrong.status).toBe(401);
    const body = await wrong.json();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key', param: null });
    expect(body.error.message).toContain('Incorrect API key provided: sk-');
    expect(body.error.message).not.toContain(wrongKey);
  });

  it('destroys the socket for a scripted reset, without counting it as a client abort', async () => {
    emulator.enqueue({ reset: true });
    await expect(post(emulator, '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    expect(emulator.aborted).toBe(0);
  });

  it('cuts a stream after the scripted number of events', async () => {
    emulator.enqueue({ text: 'a b c d e f g h', cutAfterEvents: 3, chunkDelayMs: 1 });
    const response = await post(emulator, '/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(emulator.aborted).toBe(0);
  });

  it('counts a client that goes away mid-stream as aborted', async () => {
    emulator.enqueue({ text: 'word '.repeat(200), chunkDelayMs: 20 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }, { signal: controller.signal });
    let received = 0;
    // The SDK ends the iteration quietly when its signal aborts.
    for await (const _chunk of stream) {
      received++;
      controller.abort();
    }
    // Chunks that arrived in the same socket read may still be yielded after the abort.
    expect(received).toBeGreaterThanOrEqual(1);
    expect(received).toBeLessThan(200);
    await vi.waitFor(() => expect(emulator.aborted).toBe(1), { timeout: 5000, interval: 10 });
  });

  it('waits latencyMs before answering', async () => {
    emulator.enqueue({ text: 'late', latencyMs: 30 });
    const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0].message.content).toBe('late');
  });

  it('replays a recorded OpenAI stream verbatim', async () => {
    const lines = readFileSync(sharedPath('fixtures/openai/openai-text.chunks.txt'), 'utf8').split('\n').filter(Boolean);
    const recorded = lines.map((line) => JSON.parse(line));
    emulator.enqueueRaw(recorded);
    const stream = await client.chat.completions.create({ model: 'gpt-4.1-nano', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const received = [];
    for await (const chunk of stream) received.push(chunk);
    expect(received).toEqual(recorded);
  });

  it('answers with a recorded JSON body verbatim, errors included', async () => {
    const recorded = JSON.parse(readFileSync(sharedPath('fixtures/openai/openai-text.json'), 'utf8'));
    emulator.enqueueJson(recorded);
    expect(await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).toEqual(recorded);

    const legacy = JSON.parse(readFileSync(sharedPath('fixtures/openai/reasoning-model-legacy-parameter-error.json'), 'utf8'));
    emulator.enqueueJson(legacy, { status: 400 });
    const error = await client.chat.completions.create({ model: 'o4-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.param).toBe('max_tokens');
    expect(error.code).toBe('unsupported_parameter');
  });

  it('embeds deterministically, honours dimensions, and base64 decodes to the same floats', async () => {
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta', 'alpha'], encoding_format: 'float', dimensions: 64 });
    expect(floats.data).toHaveLength(3);
    expect(floats.data.every((d) => d.embedding.length === 64)).toBe(true);
    expect(floats.data[0].embedding).toEqual(floats.data[2].embedding);
    expect(floats.data[0].embedding).not.toEqual(floats.data[1].embedding);
    const norm = Math.sqrt(floats.data[0].embedding.reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);

    const response = await post(emulator, '/v1/embeddings', { model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'base64', dimensions: 64 });
    const b64 = (await response.json()).data[0].embedding as string;
    const bytes = Buffer.from(b64, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    // The float form prints the shortest decimal of each float32; both read back to the same float32 values.
    expect(decoded).toEqual(floats.data[0].embedding.map(Math.fround));

    const full = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'x', encoding_format: 'float' });
    expect(full.data[0].embedding).toHaveLength(3072);
  });

  it('generates n real PNG images as b64_json, or as URLs it serves', async () => {
    const b64 = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', n: 2, response_format: 'b64_json' });
    expect(b64.data).toHaveLength(2);
    for (const image of b64.data!) expect(Buffer.from(image.b64_json!, 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(b64.data![0].revised_prompt).toContain('a lighthouse');

    const urls = await client.images.generate({ model: 'dall-e-2', prompt: 'a lighthouse', response_format: 'url' });
    const image = await fetch(urls.data![0].url!);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).toString('base64')).toBe(b64.data![0].b64_json);
  });

  it('lists models and answers one model or model_not_found', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o-mini');
    expect((await client.models.retrieve('gpt-4o-mini')).object).toBe('model');
    const error = await client.models.retrieve('no-such-model').catch((e) => e);
    expect(error.status).toBe(404);
    expect(error.code).toBe('model_not_found');
  });
});

describe('OpenAI emulator, Azure routes', () => {
  let emulator: OpenAIEmulator;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey: KEY, azure: true });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('serves deployment URLs with the api-key header and records deployment and api-version', async () => {
    expect(emulator.url).toBe(emulator.azureEndpoint);
    const client = new AzureOpenAI({ endpoint: emulator.url, apiKey: KEY, apiVersion: '2024-10-21', deployment: 'my-gpt4o', maxRetries: 0 });
    emulator.enqueue({ text: 'From Azure.' });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    expect(completion.choices[0].message.content).toBe('From Azure.');
    const embedding = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' });
    expect(embedding.data[0].embedding).toHaveLength(1536);

    expect(emulator.requests.map((r) => [r.path, r.deployment, r.apiVersion])).toEqual([
      ['/openai/deployments/my-gpt4o/chat/completions', 'my-gpt4o', '2024-10-21'],
      ['/openai/deployments/my-gpt4o/embeddings', 'my-gpt4o', '2024-10-21'],
    ]);
    expect(emulator.requests[0].headers['api-key']).toBe(KEY);
    expect(emulator.requests[0].headers.authorization).toBeUndefined();
  });

  it('rejects a wrong api-key and a missing api-version the way Azure does', async () => {
    const wrong = await fetch(`${emulator.origin}/openai/deployments/d/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'api-key': 'nope', 'content-type': 'application/json' },
      body: '{"messages":[{"role":"user","content":"x"}]}',
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('401');

    const noVersion = await fetch(`${emulator.origin}/openai/deployments/d/chat/completions`, {
      method: 'POST',
      headers: { 'api-key': KEY, 'content-type': 'application/json' },
      body: '{"messages":[{"role":"user","content":"x"}]}',
    });
    expect(noVersion.status).toBe(404);
  });
});
