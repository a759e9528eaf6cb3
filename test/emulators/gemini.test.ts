import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGeminiEmulator, type GeminiEmulator } from './gemini';
import { loadChunks, loadGenaiRecording, loadJson } from './gemini/fixtures';

const KEY = 'test-gemini-key-123';

let emulator: GeminiEmulator;

beforeAll(async () => {
  emulator = await startGeminiEmulator({ apiKey: KEY });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.reset());

function url(path: string): string {
  return `${emulator.origin}${path}`;
}

async function post(path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': KEY }): Promise<Response> {
  return fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

const userTurn = (text: string) => ({ contents: [{ role: 'user', parts: [{ text }] }] });

/** Splits an SSE body on Google's CRLF pairs into the JSON payloads of its `data:` events. */
function sseEvents(text: string): Record<string, any>[] {
  return text
    .split('\r\n\r\n')
    .filter((e) => e.trim() !== '')
    .map((e) => {
      expect(e.startsWith('data: ')).toBe(true);
      return JSON.parse(e.slice('data: '.length));
    });
}

describe('generateContent', () => {
  it('echoes the last user text by default, in Gemini response shape', async () => {
    const res = await post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('hello there'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const body = (await res.json()) as any;
    expect(body.candidates).toHaveLength(1);
    expect(body.candidates[0]).toMatchObject({ content: { role: 'model', parts: [{ text: 'hello there' }] }, finishReason: 'STOP', index: 0 });
    expect(body.modelVersion).toBe('gemini-2.0-flash');
    expect(typeof body.responseId).toBe('string');
    const usage = body.usageMetadata;
    expect(usage.promptTokenCount).toBeGreaterThan(0);
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount + usage.candidatesTokenCount);
    expect(emulator.requests[0]).toMatchObject({ method: 'POST', apiVersion: 'v1beta', model: 'gemini-2.0-flash', rpc: 'generateContent' });
  });

  it('answers scripted text, thoughts, function calls and usage (thoughts counted apart from candidates)', async () => {
    emulator.enqueue({
      text: 'Calling.',
      reasoning: 'I should call it.',
      toolCalls: [{ name: 'weather', arguments: '{"city":"Paris"}' }, { name: 'time', arguments: '{}' }],
      usage: { input: 12, output: 30, reasoning: 10, cachedInput: 4 },
    });
    const body = (await (await post('/v1beta/models/gemini-2.5-flash:generateContent', userTurn('hi'))).json()) as any;
    expect(body.candidates[0].content.parts).toEqual([
      { text: 'I should call it.', thought: true },
      { text: 'Calling.' },
      { functionCall: { name: 'weather', args: { city: 'Paris' } } },
      { functionCall: { name: 'time', args: {} } },
    ]);
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 20, thoughtsTokenCount: 10, cachedContentTokenCount: 4, totalTokenCount: 42 });
  });

  it('gives one candidate per candidateCount', async () => {
    const body = (await (await post('/v1beta/models/gemini-2.0-flash:generateContent', { ...userTurn('x'), generationConfig: { candidateCount: 3 } })).json()) as any;
    expect(body.candidates.map((c: any) => c.index)).toEqual([0, 1, 2]);
  });

  it('maps scripted finishes to Gemini reasons', async () => {
    emulator.enqueue({ text: 'cut', finish: 'length' }, { text: '', finish: 'content_filter' });
    const first = (await (await post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('x'))).json()) as any;
    expect(first.candidates[0].finishReason).toBe('MAX_TOKENS');
    const second = (await (await post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('x'))).json()) as any;
    expect(second.candidates[0].finishReason).toBe('SAFETY');
    expect(second.candidates[0].content).toBeUndefined();
    expect(second.candidates[0].safetyRatings.some((r: any) => r.blocked)).toBe(true);
  });
});

describe('streamGenerateContent', () => {
  it('streams SSE events with CRLF framing, text word by word, finish and usage on the last', async () => {
    emulator.enqueue({ text: 'one two three', usage: { input: 5, output: 3 } });
    const res = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', userTurn('x'));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sseEvents(await res.text());
    expect(events.map((e) => e.candidates[0].content.parts[0].text)).toEqual(['one ', 'two ', 'three']);
    expect(events.slice(0, -1).every((e) => e.usageMetadata === undefined && e.candidates[0].finishReason === undefined)).toBe(true);
    expect(events.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 } });
    expect(new Set(events.map((e) => e.responseId)).size).toBe(1);
  });

  it('sends function calls whole, in one event', async () => {
    emulator.enqueue({ toolCalls: [{ name: 'a', arguments: '{"x":1}' }, { name: 'b', arguments: '{"y":[1,2]}' }] });
    const events = sseEvents(await (await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', userTurn('x'))).text());
    expect(events).toHaveLength(1);
    expect(events[0].candidates[0].content.parts).toEqual([{ functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b', args: { y: [1, 2] } } }]);
  });

  it('answers a JSON array without alt=sse', async () => {
    emulator.enqueue({ text: 'a b' });
    const res = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent', userTurn('x'));
    const array = JSON.parse(await res.text()) as any[];
    expect(array.map((e) => e.candidates[0].content.parts[0].text)).toEqual(['a ', 'b']);
  });

  it('cuts the connection after cutAfterEvents without counting it as a client abort', async () => {
    emulator.enqueue({ text: 'one two three four', cutAfterEvents: 2 });
    const res = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', userTurn('x'));
    await expect(res.text()).rejects.toThrow();
    expect(emulator.aborted).toBe(0);
  });

  it('resets the socket without answering', async () => {
    emulator.enqueue({ reset: true });
    await expect(post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('x'))).rejects.toThrow();
  });

  it('counts a request the client abandons', async () => {
    emulator.enqueue({ text: 'slow', latencyMs: 200 });
    const controller = new AbortController();
    const pending = fetch(url('/v1beta/models/gemini-2.0-flash:generateContent'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY },
      body: JSON.stringify(userTurn('x')),
      signal: controller.signal,
    });
    while (emulator.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => emulator.aborted).toBe(1);
  });
});

describe('thought signatures (Gemini 3)', () => {
  const tools = [{ functionDeclarations: [{ name: 'weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] }];

  it('issues a signature on the first function call and refuses a next turn without it', async () => {
    emulator.enqueue({ toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}' }] });
    const first = (await (await post('/v1beta/models/gemini-3-pro-preview:generateContent', { ...userTurn('weather?'), tools })).json()) as any;
    const callPart = first.candidates[0].content.parts[0];
    expect(typeof callPart.thoughtSignature).toBe('string');

    const history = (signature?: string) => ({
      contents: [
        { role: 'user', parts: [{ text: 'weather?' }] },
        { role: 'model', parts: [{ functionCall: callPart.functionCall, ...(signature ? { thoughtSignature: signature } : {}) }] },
        { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { output: 'sunny' } } }] },
      ],
      tools,
    });
    const missing = await post('/v1beta/models/gemini-3-pro-preview:generateContent', history());
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error.message).toMatch(/missing a thought_signature/);
    expect((await post('/v1beta/models/gemini-3-pro-preview:generateContent', history(callPart.thoughtSignature))).status).toBe(200);
    expect((await post('/v1beta/models/gemini-3-pro-preview:generateContent', history('skip_thought_signature_validator'))).status).toBe(200);
    // Older models do not check signatures.
    expect((await post('/v1beta/models/gemini-2.0-flash:generateContent', history())).status).toBe(200);
  });
});

describe('API key', () => {
  it('refuses a request without a key with Google 403 PERMISSION_DENIED', async () => {
    const res = await post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('x'), {});
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: {
        code: 403,
        message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        status: 'PERMISSION_DENIED',
      },
    });
  });

  it('refuses a wrong key with 400 INVALID_ARGUMENT and reason API_KEY_INVALID', async () => {
    const res = await post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('x'), { 'x-goog-api-key': 'nope' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.' });
    expect(body.error.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' });
  });

  it('accepts the key as the key= query parameter', async () => {
    const res = await post(`/v1beta/models/gemini-2.0-flash:generateContent?key=${KEY}`, userTurn('x'), {});
    expect(res.status).toBe(200);
  });
});

describe('scripted errors', () => {
  it('renders RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo', async () => {
    emulator.enqueue({ error: { status: 429, retryAfterSeconds: 12 } });
    const res = await post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('x'));
    expect(res.status).toBe(429);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' });
    expect(body.error.details.some((d: any) => d['@type'].endsWith('QuotaFailure'))).toBe(true);
  });

  it.each([
    [503, 'UNAVAILABLE'],
    [500, 'INTERNAL'],
    [404, 'NOT_FOUND'],
    [403, 'PERMISSION_DENIED'],
    [401, 'UNAUTHENTICATED'],
    [400, 'INVALID_ARGUMENT'],
  ])('renders HTTP %i as %s', async (status, name) => {
    emulator.enqueue({ error: { status, message: 'scripted' } });
    const res = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse', userTurn('x'));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code: status, message: 'scripted', status: name } });
  });
});

describe('request validation', () => {
  async function problem(body: unknown, model = 'gemini-2.0-flash'): Promise<string> {
    const res = await post(`/v1beta/models/${model}:generateContent`, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as any;
    expect(json.error.status).toBe('INVALID_ARGUMENT');
    return json.error.message;
  }

  it('needs contents', async () => {
    expect(await problem({ contents: [] })).toBe('* GenerateContentRequest.contents: contents is not specified\n');
  });

  it('refuses unknown fields and roles', async () => {
    expect(await problem({ ...userTurn('x'), messages: [] })).toBe('Invalid JSON payload received. Unknown name "messages": Cannot find field.');
    expect(await problem({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] })).toBe('Please use a valid role: user, model.');
    expect(await problem({ ...userTurn('x'), generationConfig: { max_tokens: 5 } })).toMatch(/Unknown name "max_tokens" at 'generation_config'/);
  });

  it('refuses JSON Schema keywords outside Gemini Schema in tool parameters', async () => {
    const tools = [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } }] }];
    expect(await problem({ ...userTurn('x'), tools })).toBe(
      `Invalid JSON payload received. Unknown name "additionalProperties" at 'tools[0].function_declarations[0].parameters': Cannot find field.`,
    );
  });

  it('checks parts, function call order and response counts', async () => {
    expect(await problem({ contents: [{ role: 'user', parts: [] }] })).toMatch(/contents.parts must not be empty/);
    expect(await problem({ contents: [{ role: 'user', parts: [{ text: 'a', inlineData: { mimeType: 'image/png', data: 'AA==' } }] }] })).toMatch(/required oneof field 'data'/);
    expect(await problem({ contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'not base64!' } }] }] })).toMatch(/Base64 decoding failed/);
    const call = { functionCall: { name: 'f', args: {} } };
    const response = { functionResponse: { name: 'f', response: {} } };
    expect(await problem({ contents: [{ role: 'model', parts: [call] }] })).toMatch(/function call turn comes immediately after a user turn/);
    expect(
      await problem({
        contents: [
          { role: 'user', parts: [{ text: 'x' }] },
          { role: 'model', parts: [call, call] },
          { role: 'user', parts: [response] },
        ],
      }),
    ).toMatch(/number of function response parts is equal to the number of function call parts/);
  });
});

describe('embeddings', () => {
  it('answers embedContent and batchEmbedContents with deterministic vectors', async () => {
    const single = (await (await post('/v1beta/models/text-embedding-004:embedContent', { content: { parts: [{ text: 'hello' }] } })).json()) as any;
    expect(single.embedding.values).toHaveLength(768);
    const batch = (await (
      await post('/v1beta/models/gemini-embedding-001:batchEmbedContents', {
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] }, outputDimensionality: 16 },
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'world' }] }, outputDimensionality: 16 },
        ],
      })
    ).json()) as any;
    expect(batch.embeddings.map((e: any) => e.values.length)).toEqual([16, 16]);
    expect(batch.embeddings[0].values).not.toEqual(batch.embeddings[1].values);
    const again = (await (await post('/v1beta/models/text-embedding-004:embedContent', { content: { parts: [{ text: 'hello' }] } })).json()) as any;
    expect(again.embedding.values).toEqual(single.embedding.values);
  });

  it('refuses a batch entry naming another model, and a chat model for embeddings', async () => {
    const mismatch = await post('/v1beta/models/text-embedding-004:batchEmbedContents', { requests: [{ model: 'models/other', content: { parts: [{ text: 'x' }] } }] });
    expect(mismatch.status).toBe(400);
    const wrong = await post('/v1beta/models/gemini-2.0-flash:embedContent', { content: { parts: [{ text: 'x' }] } });
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as any).error.message).toBe(
      'models/gemini-2.0-flash is not found for API version v1beta, or is not supported for embedContent. Call ListModels to see the list of available models and their supported methods.',
    );
  });
});

describe('Imagen predict', () => {
  it('returns sampleCount PNGs shaped by the aspect ratio', async () => {
    const body = (await (await post('/v1beta/models/imagen-4.0-generate-001:predict', { instances: [{ prompt: 'a fox' }], parameters: { sampleCount: 2, aspectRatio: '16:9' } })).json()) as any;
    expect(body.predictions).toHaveLength(2);
    const png = Buffer.from(body.predictions[0].bytesBase64Encoded, 'base64');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([16, 9]);
    expect(body.predictions[0].mimeType).toBe('image/png');
  });

  it('refuses more than four images and filters on a scripted content_filter', async () => {
    expect((await post('/v1beta/models/imagen-4.0-generate-001:predict', { instances: [{ prompt: 'x' }], parameters: { sampleCount: 5 } })).status).toBe(400);
    emulator.enqueue({ finish: 'content_filter' });
    const body = (await (await post('/v1beta/models/imagen-4.0-generate-001:predict', { instances: [{ prompt: 'x' }], parameters: { sampleCount: 1 } })).json()) as any;
    expect(body.predictions[0].raiFilteredReason).toBeTruthy();
  });
});

describe('models', () => {
  it('lists models page by page', async () => {
    const get = async (query: string) => (await (await fetch(url(`/v1beta/models${query}`), { headers: { 'x-goog-api-key': KEY } })).json()) as any;
    const first = await get('?pageSize=3');
    expect(first.models).toHaveLength(3);
    expect(first.models[0]).toMatchObject({ name: 'models/gemini-2.0-flash', supportedGenerationMethods: expect.arrayContaining(['generateContent']) });
    const names = [...first.models];
    let token = first.nextPageToken;
    while (token) {
      const page = await get(`?pageSize=3&pageToken=${token}`);
      names.push(...page.models);
      token = page.nextPageToken;
    }
    expect(names.map((m: any) => m.name)).toContain('models/imagen-4.0-generate-001');
    const one = await fetch(url('/v1beta/models/gemini-2.5-pro'), { headers: { 'x-goog-api-key': KEY } });
    expect(((await one.json()) as any).thinking).toBe(true);
    expect((await fetch(url('/v1beta/models/nope'), { headers: { 'x-goog-api-key': KEY } })).status).toBe(404);
  });
});

describe('recorded replay', () => {
  it('writes a recorded stream byte for byte', async () => {
    const recorded = loadChunks('google-text.chunks.txt');
    emulator.enqueueRecorded(recorded);
    const text = await (await post('/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse', userTurn('x'))).text();
    expect(text).toBe(recorded.events!.map((e) => `data: ${e}\r\n\r\n`).join(''));
  });

  it('replays a recorded error body with its status, and genai recordings with their headers', async () => {
    emulator.enqueueRecorded(loadJson('google-429-retry-info.json'));
    const res = await post('/v1beta/models/gemini-2.0-flash:generateContent', userTurn('x'));
    expect(res.status).toBe(429);
    expect(await res.text()).toBe(loadJson('google-429-retry-info.json').body);

    const [interaction] = loadGenaiRecording('genai-Chats_Tests_sendMessage_Google_AI_with_text_stream.json');
    emulator.enqueueRecorded(interaction.response);
    const streamed = await post(interaction.request.url, interaction.request.body);
    expect(streamed.headers.get('server')).toBe('scaffolding on HTTPServer2');
    expect(sseEvents(await streamed.text())).toEqual(interaction.response.events!.map((e) => JSON.parse(e)));
  });
});
