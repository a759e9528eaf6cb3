/**
 * Every recorded Anthropic response in <shared>/fixtures/anthropic, replayed through the emulator
 * into the plugin. What the plugin must produce is computed from the fixture files themselves,
 * and every completion and chunk is checked against OpenAI's published schemas.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import type { ChatCompletionRequest } from '@switchyard/plugin-kit';
import { chunkLines, loadAnthropicFixtures, parseSse, type AnthropicFixture } from '../../../test/emulators/anthropic';
import { callContext, chatRequest, collect, startHarness } from './harness';

type Payload = Record<string, any>;

const FINISH: Record<string, string> = { end_turn: 'stop', stop_sequence: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter' };

/** The event payloads of a streamed fixture, whichever of the two recorded formats it uses. */
function streamPayloads(fixture: AnthropicFixture): Payload[] {
  const texts = fixture.kind === 'sse' ? parseSse(fixture.text).map((e) => e.data) : chunkLines(fixture.text);
  return texts.map((t) => JSON.parse(t) as Payload);
}

interface Expected {
  text: string;
  reasoning: string;
  tools: { id: string; name: string; arguments: string }[];
  finish: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  refusal: string | null;
}

function expectedFromStream(payloads: Payload[]): Expected {
  const start = payloads.find((p) => p.type === 'message_start')!.message;
  const final = payloads.find((p) => p.type === 'message_delta')!;
  const tools = new Map<number, { id: string; name: string; arguments: string }>();
  let text = '';
  let reasoning = '';
  for (const p of payloads) {
    if (p.type === 'content_block_start' && p.content_block.type === 'tool_use') tools.set(p.index, { id: p.content_block.id, name: p.content_block.name, arguments: '' });
    if (p.type !== 'content_block_delta') continue;
    if (p.delta.type === 'text_delta') text += p.delta.text;
    if (p.delta.type === 'thinking_delta') reasoning += p.delta.thinking;
    if (p.delta.type === 'input_json_delta') tools.get(p.index)!.arguments += p.delta.partial_json;
  }
  const usage = { ...start.usage, ...Object.fromEntries(Object.entries(final.usage).filter(([, v]) => v !== null)) };
  const cached = usage.cache_read_input_tokens ?? 0;
  return {
    text,
    reasoning,
    tools: [...tools.values()],
    finish: FINISH[final.delta.stop_reason],
    promptTokens: usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0),
    completionTokens: usage.output_tokens,
    cachedTokens: cached,
    refusal: final.delta.stop_details?.explanation ?? null,
  };
}

function expectedFromMessage(message: Payload): Expected {
  const blocks = message.content as Payload[];
  const cached = message.usage.cache_read_input_tokens ?? 0;
  return {
    text: blocks.filter((b) => b.type === 'text').map((b) => b.text).join(''),
    reasoning: blocks.filter((b) => b.type === 'thinking').map((b) => b.thinking).join(''),
    tools: blocks.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, arguments: JSON.stringify(b.input) })),
    finish: FINISH[message.stop_reason],
    promptTokens: message.usage.input_tokens + cached + (message.usage.cache_creation_input_tokens ?? 0),
    completionTokens: message.usage.output_tokens,
    cachedTokens: cached,
    refusal: message.stop_details?.explanation ?? null,
  };
}

const fixtures = loadAnthropicFixtures();

describe('replaying the recorded Anthropic fixtures through the emulator and the plugin', () => {
  let harness: Awaited<ReturnType<typeof startHarness>>;
  beforeAll(async () => {
    harness = await startHarness();
  });
  beforeEach(() => harness.emulator.reset());
  afterAll(() => harness.close());

  it('finds the recorded fixtures', () => {
    expect(fixtures.map((f) => f.kind).sort()).toEqual(['chunks', 'chunks', 'chunks', 'json', 'json', 'json', 'sse', 'sse']);
  });

  for (const fixture of fixtures.filter((f) => f.kind !== 'json')) {
    it(`streams ${fixture.name} (${fixture.kind}): text, tool calls, finish and usage equal the recording`, async () => {
      const expected = expectedFromStream(streamPayloads(fixture));
      harness.emulator.enqueueFixture(fixture);
      const chunks = await collect(harness.provider.chatStream(chatRequest('Replay.', { stream: true }), callContext()));
      chunks.forEach((chunk, i) => expectOpenAIValid('CreateChatCompletionStreamResponse', chunk, `${fixture.name} chunk ${i}`));

      const assembled = assembleStream(chunks);
      const choice = assembled.choices[0];
      expect(choice.text).toBe(expected.text);
      expect(choice.reasoning).toBe(expected.reasoning);
      expect(choice.toolCalls.map((t) => ({ id: t.id, name: t.name, arguments: t.arguments }))).toEqual(expected.tools);
      expect(choice.finishReason).toBe(expected.finish);
      expect(assembled.usageChunkIndex).toBe(chunks.length - 1);
      expect(chunks.at(-1)!.choices).toEqual([]);
      expect(assembled.usage).toMatchObject({
        prompt_tokens: expected.promptTokens,
        completion_tokens: expected.completionTokens,
        total_tokens: expected.promptTokens + expected.completionTokens,
        prompt_tokens_details: { cached_tokens: expected.cachedTokens },
      });
      const refusals = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.refusal).filter((r) => typeof r === 'string'));
      expect(refusals.join('') || null).toBe(expected.refusal);
    });
  }

  for (const fixture of fixtures.filter((f) => f.kind === 'json')) {
    it(`answers ${fixture.name} (json): content, tool calls, finish and usage equal the recording`, async () => {
      const expected = expectedFromMessage(JSON.parse(fixture.text));
      harness.emulator.enqueueFixture(fixture);
      const completion = await harness.provider.chat(chatRequest('Replay.'), callContext());
      expectOpenAIValid('CreateChatCompletionResponse', completion, fixture.name);

      const message = completion.choices[0].message;
      expect(message.content).toBe(expected.text === '' ? null : expected.text);
      expect(message.reasoning_content ?? '').toBe(expected.reasoning);
      expect((message.tool_calls ?? []).map((t) => ({ id: t.id, name: t.function.name, arguments: t.function.arguments }))).toEqual(expected.tools);
      expect(message.refusal).toBe(expected.refusal);
      expect(completion.choices[0].finish_reason).toBe(expected.finish);
      expect(completion.usage).toMatchObject({
        prompt_tokens: expected.promptTokens,
        completion_tokens: expected.completionTokens,
        total_tokens: expected.promptTokens + expected.completionTokens,
        prompt_tokens_details: { cached_tokens: expected.cachedTokens },
      });
    });
  }

  // The json-tool recordings are what JSON output looks like on the wire: a call of a tool named
  // `json`. Asked with response_format, the plugin must hand that input back as the content.
  const jsonMode: ChatCompletionRequest['response_format'] = { type: 'json_object' };
  for (const fixture of fixtures.filter((f) => f.name.startsWith('anthropic-json-tool'))) {
    it(`turns ${fixture.name} (${fixture.kind}) into JSON content when response_format asked for JSON`, async () => {
      harness.emulator.enqueueFixture(fixture);
      if (fixture.kind === 'json') {
        const input = (JSON.parse(fixture.text).content as Payload[]).find((b) => b.type === 'tool_use')!.input;
        const completion = await harness.provider.chat(chatRequest('Replay.', { response_format: jsonMode }), callContext());
        expectOpenAIValid('CreateChatCompletionResponse', completion, fixture.name);
        expect(JSON.parse(completion.choices[0].message.content!)).toEqual(input);
        expect(completion.choices[0].message.tool_calls).toBeUndefined();
        expect(completion.choices[0].finish_reason).toBe('stop');
      } else {
        const expected = expectedFromStream(streamPayloads(fixture));
        const chunks = await collect(harness.provider.chatStream(chatRequest('Replay.', { response_format: jsonMode, stream: true }), callContext()));
        chunks.forEach((chunk, i) => expectOpenAIValid('CreateChatCompletionStreamResponse', chunk, `${fixture.name} chunk ${i}`));
        const choice = assembleStream(chunks).choices[0];
        expect(choice.text).toBe(expected.tools[0].arguments);
        expect(JSON.parse(choice.text)).toEqual(JSON.parse(expected.tools[0].arguments));
        expect(choice.toolCalls).toEqual([]);
        expect(choice.finishReason).toBe('stop');
      }
      const sent = harness.emulator.requests.at(-1)!.body as { tool_choice?: unknown };
      expect(sent.tool_choice).toEqual({ type: 'tool', name: 'json', disable_parallel_tool_use: true });
    });
  }
});
