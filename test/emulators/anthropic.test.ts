import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import Anthropic, { APIError, AuthenticationError, BadRequestError } from '@anthropic-ai/sdk';
import { chunkLines, loadAnthropicFixtures, parseSse, startAnthropicEmulator, type AnthropicEmulator } from './anthropic';

const MODEL = 'claude-haiku-4-5-20251001';

function post(emulator: AnthropicEmulator, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${emulator.origin}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey, 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

const hello = (extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}): Anthropic.MessageCreateParamsNonStreaming => ({
  model: MODEL,
  max_tokens: 100,
  messages: [{ role: 'user', content: 'Hello there, emulator' }],
  ...extra,
});

describe('Anthropic emulator', () => {
  let emulator: AnthropicEmulator;
  let client: Anthropic;

  beforeAll(async () => {
    emulator = await startAnthropicEmulator();
    client = new Anthropic({ apiKey: emulator.apiKey, baseURL: emulator.url, maxRetries: 0, logLevel: 'off' });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('echoes the last user text as a Message the SDK reads, and records the request', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system: 'be brief',
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        { role: 'user', content: [{ type: 'text', text: 'second' }, { type: 'text', text: 'question' }] },
      ],
    });
    expect(message.type).toBe('message');
    expect(message.id).toMatch(/^msg_01/);
    expect(message.model).toBe(MODEL);
    expect(message.content).toEqual([{ type: 'text', text: 'second question' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.requests[0].path).toBe('/v1/messages');
    expect(emulator.requests[0].headers['anthropic-version']).toBe('2023-06-01');
    expect((emulator.requests[0].body as { system: string }).system).toBe('be brief');
  });

  it('streams thinking, text word by word and tool input in pieces, in the real event order', async () => {
    const args = JSON.stringify({ city: 'Paris', units: 'metric', days: [1, 2, 3] });
    emulator.enqueue({ reasoning: 'Think about the weather first.', text: 'Let me check that for you.', toolCalls: [{ id: 'toolu_fixed', name: 'get_weather', arguments: args }] });
    const response = await post(emulator, { ...hello(), stream: true });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    for (const e of events) expect(JSON.parse(e.data).type).toBe(e.event);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message_start');
    expect(names.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(names.filter((n) => n === 'ping')).toHaveLength(1);
    expect(names.indexOf('ping')).toBe(2);

    const datas = events.map((e) => JSON.parse(e.data));
    const deltasOf = (type: string) => datas.filter((d) => d.type === 'content_block_delta' && d.delta.type === type).map((d) => d.delta);
    expect(deltasOf('thinking_delta').map((d) => d.thinking).join('')).toBe('Think about the weather first.');
    expect(deltasOf('signature_delta')).toHaveLength(1);
    const textDeltas = deltasOf('text_delta').map((d) => d.text);
    expect(textDeltas.length).toBeGreaterThan(3);
    expect(textDeltas.join('')).toBe('Let me check that for you.');
    const pieces = deltasOf('input_json_delta').map((d) => d.partial_json);
    expect(pieces[0]).toBe('');
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.join('')).toBe(args);
    expect(datas.find((d) => d.type === 'message_delta').delta.stop_reason).toBe('tool_use');
  });

  it("streams what the SDK's own accumulator assembles into the same message", async () => {
    const args = '{"query":"switchyard"}';
    emulator.enqueue({ reasoning: 'Hmm.', text: 'Searching now.', toolCalls: [{ name: 'search', arguments: args }], usage: { input: 120, output: 40, cachedInput: 70, cacheWrite: 30 } });
    const stream = client.messages.stream(hello());
    const final = await stream.finalMessage();
    expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    expect(final.content[0]).toMatchObject({ type: 'thinking', thinking: 'Hmm.' });
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'Searching now.' });
    expect(final.content[2]).toMatchObject({ type: 'tool_use', name: 'search', input: { query: 'switchyard' } });
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 20, cache_read_input_tokens: 70, cache_creation_input_tokens: 30, output_tokens: 40 });
  });

  it('maps scripted finishes and usage onto stop reasons and token counts', async () => {
    emulator.enqueue({ text: 'cut', finish: 'length' }, { text: 'no', finish: 'content_filter' }, { text: 'x', usage: { input: 10, output: 3, reasoning: 2 } });
    expect((await client.messages.create(hello())).stop_reason).toBe('max_tokens');
    const refused = await client.messages.create(hello());
    expect(refused.stop_reason).toBe('refusal');
    expect(refused.stop_details?.type).toBe('refusal');
    const counted = await client.messages.create(hello());
    expect(counted.usage).toMatchObject({ input_tokens: 10, output_tokens: 3, output_tokens_details: { thinking_tokens: 2 } });
  });

  it('stops unscripted text at the first stop sequence', async () => {
    const message = await client.messages.create({ ...hello(), messages: [{ role: 'user', content: 'one two STOP three' }], stop_sequences: ['STOP'] });
    expect(message.content).toEqual([{ type: 'text', text: 'one two ' }]);
    expect(message.stop_reason).toBe('stop_sequence');
    expect(message.stop_sequence).toBe('STOP');
  });

  it('answers a forced tool_choice by calling that tool with a JSON-object answer as its input', async () => {
    const forced = { ...hello(), tools: [{ name: 'json', input_schema: { type: 'object' as const } }], tool_choice: { type: 'tool' as const, name: 'json' } };
    emulator.enqueue({ text: '{"answer":42}' }, { text: 'not json' });
    const message = await client.messages.create(forced);
    expect(message.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_01/), name: 'json', input: { answer: 42 } }]);
    expect(message.stop_reason).toBe('tool_use');
    expect((await client.messages.create(forced)).content).toEqual([{ type: 'text', text: 'not json' }]);
  });

  it('refuses a wrong or missing key with the real 401 body, and a missing anthropic-version', async () => {
    const wrong = await post(emulator, hello(), { 'x-api-key': 'sk-ant-wrong-key-000000' });
    expect(wrong.status).toBe(401);
    const body = await wrong.json();
    expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    expect(body.request_id).toMatch(/^req_/);
    expect(wrong.headers.get('request-id')).toBe(body.request_id);

    const bad = new Anthropic({ apiKey: 'sk-ant-wrong-key-000000', baseURL: emulator.url, maxRetries: 0, logLevel: 'off' });
    const err = await bad.messages.create(hello()).catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.type).toBe('authentication_error');

    const noVersion = await fetch(`${emulator.origin}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': emulator.apiKey }, body: JSON.stringify(hello()) });
    expect(noVersion.status).toBe(400);
    expect((await noVersion.json()).error).toEqual({ type: 'invalid_request_error', message: 'anthropic-version: header is required' });
  });

  it('renders scripted errors with their status, type and retry-after', async () => {
    emulator.enqueue({ error: { status: 529, kind: 'overloaded' } }, { error: { status: 429, retryAfterSeconds: 7, message: 'slow down' } }, { error: { status: 500 } });
    const overloaded = await client.messages.create(hello()).catch((e) => e);
    expect(overloaded).toBeInstanceOf(APIError);
    expect(overloaded.status).toBe(529);
    expect(overloaded.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const limited = await post(emulator, hello());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await limited.json()).error).toEqual({ type: 'rate_limit_error', message: 'slow down' });
    const broken = await post(emulator, hello());
    expect(broken.status).toBe(500);
    expect((await broken.json()).error.type).toBe('api_error');
  });

  it('validates requests like the real API and keeps the queued reply for the next valid one', async () => {
    emulator.enqueue({ text: 'kept' });
    const missing = await client.messages.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] } as never).catch((e) => e);
    expect(missing).toBeInstanceOf(BadRequestError);
    expect(missing.error.error.message).toBe('max_tokens: Field required');

    const orphan = await client.messages
      .create({ ...hello(), messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_nope', content: 'x' }] }] })
      .catch((e) => e);
    expect(orphan.error.error.message).toMatch(/unexpected `tool_use_id` found in `tool_result` blocks: toolu_nope/);

    const unanswered = await client.messages
      .create({
        ...hello(),
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_a', name: 'w', input: {} }] },
          { role: 'user', content: 'well?' },
        ],
      })
      .catch((e) => e);
    expect(unanswered.error.error.message).toMatch(/`tool_use` ids were found without `tool_result` blocks immediately after: toolu_a/);

    const forcedWithThinking = await client.messages
      .create({ ...hello({ max_tokens: 3000 }), thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [{ name: 't', input_schema: { type: 'object' } }], tool_choice: { type: 'any' } })
      .catch((e) => e);
    expect(forcedWithThinking.error.error.message).toMatch(/Thinking may not be enabled/);

    expect((await client.messages.create(hello())).content).toEqual([{ type: 'text', text: 'kept' }]);
  });

  it('cuts a stream after the given number of content events', async () => {
    emulator.enqueue({ text: 'one two three four five', cutAfterEvents: 2 });
    const response = await post(emulator, { ...hello(), stream: true });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    let failed = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
    const events = parseSse(received);
    expect(events.filter((e) => e.event === 'content_block_delta').map((e) => JSON.parse(e.data).delta.text)).toEqual(['one ', 'two ']);
    expect(events.some((e) => e.event === 'message_stop')).toBe(false);
    expect(emulator.aborted).toBe(0);
  });

  it('resets the connection when told to', async () => {
    emulator.enqueue({ reset: true });
    await expect(post(emulator, hello())).rejects.toThrow();
    expect(emulator.aborted).toBe(0);
  });

  it('counts requests the client abandons', async () => {
    emulator.enqueue({ latencyMs: 5_000 });
    const controller = new AbortController();
    const pending = post(emulator, hello(), {}, controller.signal).catch((e) => e);
    await vi.waitFor(() => expect(emulator.requests).toHaveLength(1));
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(emulator.aborted).toBe(1));
  });

  it('lists models page by page', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 2 })) ids.push(model.id);
    expect(ids).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-3-haiku-20240307']);
    expect(emulator.requests.map((r) => r.query.after_id ?? null)).toEqual([null, 'claude-haiku-4-5-20251001']);
    const one = await client.models.retrieve('claude-3-haiku-20240307');
    expect(one.display_name).toBe('Claude Haiku 3');
    await expect(client.models.retrieve('claude-none')).rejects.toThrow(/model: claude-none/);
  });

  it('replays every recorded fixture verbatim', async () => {
    const fixtures = loadAnthropicFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
    for (const fixture of fixtures) {
      emulator.enqueueFixture(fixture);
      const response = await post(emulator, { ...hello(), stream: fixture.kind !== 'json' });
      const text = await response.text();
      if (fixture.kind === 'sse') expect(text).toBe(fixture.text);
      if (fixture.kind === 'json') expect(JSON.parse(text)).toEqual(JSON.parse(fixture.text));
      if (fixture.kind === 'chunks') {
        const events = parseSse(text);
        expect(events.map((e) => e.data)).toEqual(chunkLines(fixture.text));
        for (const e of events) expect(e.event).toBe(JSON.parse(e.data).type);
      }
    }
  });
});
