import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator, RecordedRequest } from '../emulators/types';
import type { ConfigFile } from '../../server/src/config/config-file';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { anthropicClient, errorType, PNG_1X1, waitFor } from './support';
import type { UpstreamView } from './upstream-wire';

type ProviderConfig = ConfigFile['providers'][number];

/** One provider plugin behind the gateway, with its upstream emulator. */
export interface MessagesTarget {
  name: string;
  start(): Promise<{
    emulator: Emulator;
    /** A provider entry (with its credential) pointed at the emulator, under the given id. */
    provider(id: string): ProviderConfig;
    upstreamModel: string;
    close(): Promise<void>;
  }>;
  /** Whether a recorded request is a chat call (not a model list). */
  isChat(request: RecordedRequest): boolean;
  read(body: unknown): UpstreamView;
  /** The upstream status that means "overloaded, retry later". */
  overloadedStatus: number;
  /**
   * What the plugin does with an image URL: 'forwarded' upstream as a URL, or 'downloaded' by the
   * plugin itself (Bedrock takes bytes only), which refuses private addresses with a 400.
   */
  imageUrls: 'forwarded' | 'downloaded';
}

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

/**
 * The Anthropic SDK, unchanged, against /v1/messages with `target` behind the gateway: text,
 * streams, tools and tool results, images, thinking, errors and aborts. The same cases run for
 * every provider, so a difference between them shows up as a failure here.
 */
export function describeMessagesAgainst(target: MessagesTarget): void {
  describe(`the Anthropic SDK against /v1/messages (${target.name} upstream)`, () => {
    let gw: TestGateway;
    let client: Anthropic;
    let emulator: Emulator;
    let close: () => Promise<void>;
    const model = 'claude-proxy';

    beforeAll(async () => {
      const started = await target.start();
      emulator = started.emulator;
      close = started.close;
      gw = await startTestGateway({
        seedMock: false,
        config: {
          // Rate limits cool a provider's credential down, so they get a provider of their own.
          providers: [started.provider('up'), started.provider('up-limited')],
          models: [
            { id: model, provider: 'up', upstreamModel: started.upstreamModel },
            { id: 'limited', provider: 'up-limited', upstreamModel: started.upstreamModel },
          ],
          pipelines: [],
        },
      });
      client = anthropicClient(gw);
    });
    afterAll(async () => {
      await gw?.stop();
      await close?.();
    });

    const lastUpstream = (): UpstreamView => {
      const chats = emulator.requests.filter((r) => target.isChat(r));
      expect(chats.length).toBeGreaterThan(0);
      return target.read(chats[chats.length - 1].body);
    };

    it('answers a text message with usage, and passes system, limits and stops upstream', async () => {
      emulator.enqueue({ text: 'Hello from upstream', usage: { input: 21, output: 4 } });
      const message = await client.messages.create({
        model,
        max_tokens: 300,
        system: 'Answer briefly.',
        stop_sequences: ['END'],
        temperature: 0.3,
        messages: [{ role: 'user', content: 'Say hello' }],
      });
      expect(message.id).toMatch(/^msg_/);
      expect(message.type).toBe('message');
      expect(message.role).toBe('assistant');
      expect(message.content).toEqual([{ type: 'text', text: 'Hello from upstream', citations: null }]);
      expect(message.stop_reason).toBe('end_turn');
      expect(message.usage).toMatchObject({ input_tokens: 21, output_tokens: 4 });
      const up = lastUpstream();
      expect(up).toMatchObject({ system: 'Answer briefly.', maxTokens: 300, stop: ['END'], temperature: 0.3 });
    });

    it('streams text through the SDK helpers and finalMessage()', async () => {
      emulator.enqueue({ text: 'one two three four', usage: { input: 9, output: 4 } });
      const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'count' }] });
      const deltas: string[] = [];
      const events: string[] = [];
      stream.on('text', (delta) => deltas.push(delta));
      stream.on('streamEvent', (event) => events.push(event.type));
      const final = await stream.finalMessage();
      expect(deltas.join('')).toBe('one two three four');
      expect(deltas.length).toBeGreaterThan(1);
      expect(final.content).toEqual([{ type: 'text', text: 'one two three four', citations: null }]);
      expect(final.stop_reason).toBe('end_turn');
      expect(final.usage).toMatchObject({ input_tokens: 9, output_tokens: 4 });
      expect(events[0]).toBe('message_start');
      expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
      expect(events).toContain('content_block_start');
      expect(events).toContain('content_block_stop');
    });

    it('returns tool_use blocks, then carries the tool_result round trip upstream', async () => {
      emulator.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }], finish: 'tool_calls' });
      const question: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
      const first = await client.messages.create({ model, max_tokens: 200, tools: [WEATHER_TOOL], tool_choice: { type: 'auto' }, messages: [question] });
      expect(first.stop_reason).toBe('tool_use');
      const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
      expect(use!.id).toBeTruthy();
      expect(lastUpstream().toolNames).toEqual(['get_weather']);

      emulator.enqueue({ text: 'It is sunny in Paris.' });
      const second = await client.messages.create({
        model,
        max_tokens: 200,
        tools: [WEATHER_TOOL],
        messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: 'sunny, 24C' }] }],
      });
      expect(second.content).toEqual([{ type: 'text', text: 'It is sunny in Paris.', citations: null }]);
      const up = lastUpstream();
      expect(up.toolCalls).toHaveLength(1);
      expect(up.toolCalls[0].input).toEqual({ city: 'Paris' });
      expect(up.toolResults).toHaveLength(1);
      expect(up.toolResults[0].text).toContain('sunny, 24C');
      expect([use!.id, 'get_weather']).toContain(up.toolResults[0].ref);
    });

    it('streams a tool call as input_json_delta and assembles its input', async () => {
      emulator.enqueue({ toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lisbon"}' }], finish: 'tool_calls' });
      const stream = client.messages.stream({ model, max_tokens: 200, tools: [WEATHER_TOOL], tool_choice: { type: 'tool', name: 'get_weather' }, messages: [{ role: 'user', content: 'Lisbon?' }] });
      let json = '';
      stream.on('inputJson', (partial) => (json += partial));
      const final = await stream.finalMessage();
      expect(final.stop_reason).toBe('tool_use');
      const use = final.content.find((b) => b.type === 'tool_use');
      expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Lisbon' } });
      expect(JSON.parse(json)).toEqual({ city: 'Lisbon' });
    });

    it('passes base64 images upstream', async () => {
      emulator.enqueue({ text: 'A single pixel.' });
      const message = await client.messages.create({
        model,
        max_tokens: 50,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1X1 } }, { type: 'text', text: 'What is this?' }] }],
      });
      expect(message.content[0]).toMatchObject({ type: 'text', text: 'A single pixel.' });
      expect(lastUpstream().images).toEqual(['inline']);
    });

    const urlImage = (url: string): Anthropic.MessageCreateParamsNonStreaming => ({
      model,
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url } }, { type: 'text', text: 'What is this?' }] }],
    });

    if (target.imageUrls === 'forwarded') {
      it('passes URL images upstream', async () => {
        emulator.enqueue({ text: 'A cat.' });
        await client.messages.create(urlImage('https://example.com/cat.png'));
        expect(lastUpstream().images).toEqual(['https://example.com/cat.png']);
      });
    } else {
      it('refuses a URL image the plugin may not download, in Anthropic error shape', async () => {
        const before = emulator.requests.length;
        const err = await client.messages.create(urlImage('http://127.0.0.1:9/cat.png')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Anthropic.BadRequestError);
        expect(errorType(err)).toBe('invalid_request_error');
        expect(emulator.requests.length).toBe(before);
      });
    }

    it('returns thinking blocks when thinking is on, JSON and streamed', async () => {
      emulator.enqueue({ reasoning: 'Six times seven is forty-two.', text: '42' });
      const message = await client.messages.create({ model, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: '6*7?' }] });
      expect(lastUpstream().reasoning).toBe(true);
      expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text']);
      expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Six times seven is forty-two.' });

      emulator.enqueue({ reasoning: 'Two plus two is four.', text: '4' });
      const stream = client.messages.stream({ model, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: '2+2?' }] });
      let thought = '';
      stream.on('thinking', (delta) => (thought += delta));
      const final = await stream.finalMessage();
      expect(thought).toBe('Two plus two is four.');
      expect(final.content.map((b) => b.type)).toEqual(['thinking', 'text']);
      expect(final.content[1]).toMatchObject({ type: 'text', text: '4' });
    });

    it('ends a stream that fails upstream midway with an error event', async () => {
      emulator.enqueue({ text: 'one two three four five six seven eight', chunkDelayMs: 5, cutAfterEvents: 3 });
      const stream = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'go' }] });
      let text = '';
      stream.on('text', (delta) => (text += delta));
      const err = await stream.finalMessage().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect(errorType(err)).toMatch(/^(api_error|overloaded_error|timeout_error)$/);
      expect(text.length).toBeGreaterThan(0);
      expect('one two three four five six seven eight'.startsWith(text)).toBe(true);
    });

    it('aborts the upstream when the client aborts', async () => {
      const before = emulator.aborted;
      emulator.enqueue({ text: Array.from({ length: 60 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 40 });
      const stream = client.messages.stream({ model, max_tokens: 500, messages: [{ role: 'user', content: 'long' }] });
      await new Promise<void>((resolve) => stream.once('text', () => resolve()));
      stream.abort();
      await stream.done().catch(() => undefined);
      await waitFor(() => emulator.aborted > before, 'the upstream request to be aborted');
    });

    it('answers an overloaded upstream with 529 overloaded_error', async () => {
      emulator.enqueue({ error: { status: target.overloadedStatus, kind: 'overloaded', message: 'Overloaded' } });
      const err = await client.messages.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.APIError);
      expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
      expect(errorType(err)).toBe('overloaded_error');
    });

    it('answers an upstream 429 with 429 rate_limit_error and its Retry-After', async () => {
      emulator.enqueue({ error: { status: 429, kind: 'rate_limit', message: 'Too many requests', retryAfterSeconds: 7 } });
      const err = await client.messages.create({ model: 'limited', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.RateLimitError);
      expect(errorType(err)).toBe('rate_limit_error');
      expect((err as InstanceType<typeof Anthropic.APIError>).headers?.get('retry-after')).toBe('7');
    });

    it('refuses a bad key (401), an unknown model (404) and bad input (400) in Anthropic error shape', async () => {
      const bad = await anthropicClient(gw, 'sk-ant-not-a-real-key-000000')
        .messages.create({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(errorType(bad)).toBe('authentication_error');

      const missing = await client.messages.create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
      expect(errorType(missing)).toBe('not_found_error');

      const invalid = await client.messages.create({ model, messages: [{ role: 'user', content: 'hi' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((e: unknown) => e);
      expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
      expect(errorType(invalid)).toBe('invalid_request_error');
      expect((invalid as InstanceType<typeof Anthropic.APIError>).message).toContain('max_tokens: Field required');
    });
  });
}
