import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatCompletionRequest, ProviderInstance } from '@switchyard/plugin-kit';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startBedrockEmulator, type BedrockEmulator } from '../../../test/emulators/bedrock';
import { listBedrockFixtures, readJsonFixture, readStreamFixture } from '../../../test/emulators/bedrock/fixtures';
import { createBedrockProvider } from './provider';

/**
 * Replays the recorded Bedrock traffic (../shared/fixtures/bedrock) through the emulator, which
 * re-encodes each recorded event into a binary event-stream frame, and through the plugin. What
 * the plugin assembles must equal what the recording says, computed from the files themselves.
 */

type Record_ = Record<string, any>;
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
let emulator: BedrockEmulator;
let provider: ProviderInstance;

beforeAll(async () => {
  emulator = await startBedrockEmulator();
  provider = createBedrockProvider({ region: emulator.region, endpoint: emulator.url });
});
afterAll(async () => {
  await provider.close?.();
  await emulator.close();
});

const ctx = () => ({ signal: new AbortController().signal, model: MODEL, credential: { ...emulator.credentials }, requestId: 'fixture' });

/** A request offering the tools the recording calls, so the upstream request is a plausible one. */
function requestFor(toolNames: string[]): ChatCompletionRequest {
  const tools = toolNames.map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object', properties: {} } } }));
  return { model: 'alias', messages: [{ role: 'user', content: 'How many r are in strawberry?' }], ...(tools.length ? { tools } : {}) };
}

function expectedFromEvents(events: Record_[]) {
  const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for (const e of events) {
    const start = e.contentBlockStart;
    if (start?.start?.toolUse) calls.set(start.contentBlockIndex, { id: start.start.toolUse.toolUseId, name: start.start.toolUse.name, arguments: '' });
    const input = e.contentBlockDelta?.delta?.toolUse?.input;
    if (input !== undefined) calls.get(e.contentBlockDelta.contentBlockIndex)!.arguments += input;
  }
  const stopReason = events.find((e) => e.messageStop)?.messageStop.stopReason;
  const usage = events.find((e) => e.metadata)?.metadata.usage;
  return { text, toolCalls: [...calls.values()], stopReason, usage };
}

const FINISH: Record<string, string> = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length', stop_sequence: 'stop' };
const { streams, bodies } = listBedrockFixtures();

describe('recorded ConverseStream fixtures', () => {
  it('are present', () => {
    expect(streams.length).toBeGreaterThan(0);
  });

  for (const file of streams) {
    it(`${file}: assembled text, tool calls, finish and usage equal the recording; every chunk is valid OpenAI`, async () => {
      const events = readStreamFixture(file);
      const expected = expectedFromEvents(events);
      emulator.enqueueStreamEvents(events);
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of provider.chatStream({ ...requestFor(expected.toolCalls.map((c) => c.name)), stream: true }, ctx())) chunks.push(chunk);

      chunks.forEach((chunk, i) => expectOpenAIValid('CreateChatCompletionStreamResponse', chunk, `${file} chunk ${i}`));
      const assembled = assembleStream(chunks);
      const choice = assembled.choices[0];
      expect(choice.text).toBe(expected.text);
      expect(choice.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }))).toEqual(expected.toolCalls);
      for (const call of choice.toolCalls) expect(() => JSON.parse(call.arguments)).not.toThrow();
      expect(choice.finishReason).toBe(FINISH[expected.stopReason]);
      expect(assembled.usageChunkIndex).toBe(chunks.length - 1);
      expect(assembled.usage).toMatchObject({ prompt_tokens: expected.usage.inputTokens, completion_tokens: expected.usage.outputTokens, total_tokens: expected.usage.totalTokens });
    });
  }
});

describe('recorded Converse fixtures', () => {
  it('are present', () => {
    expect(bodies.length).toBeGreaterThan(0);
  });

  for (const file of bodies) {
    it(`${file}: content, tool calls, finish and usage equal the recording; the response is valid OpenAI`, async () => {
      const body = readJsonFixture(file) as Record_;
      const blocks: Record_[] = body.output.message.content;
      const expectedText = blocks.filter((b) => typeof b.text === 'string').map((b) => b.text).join('');
      const expectedCalls = blocks.filter((b) => b.toolUse).map((b) => b.toolUse);
      emulator.enqueueConverseBody(body);
      const completion = await provider.chat(requestFor(expectedCalls.map((c) => c.name)), ctx());

      expectOpenAIValid('CreateChatCompletionResponse', completion, file);
      const message = completion.choices[0].message;
      expect(message.content).toBe(expectedText === '' && expectedCalls.length > 0 ? null : expectedText);
      expect((message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, input: JSON.parse(c.function.arguments) }))).toEqual(
        expectedCalls.map((c) => ({ id: c.toolUseId, name: c.name, input: c.input })),
      );
      expect(completion.choices[0].finish_reason).toBe(FINISH[body.stopReason]);
      const cached = body.usage.cacheReadInputTokens ?? 0;
      expect(completion.usage).toMatchObject({
        prompt_tokens: body.usage.inputTokens + cached + (body.usage.cacheWriteInputTokens ?? 0),
        completion_tokens: body.usage.outputTokens,
        prompt_tokens_details: { cached_tokens: cached },
      });
    });
  }
});
