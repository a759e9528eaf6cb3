import { describe, expect, it } from 'vitest';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { toChatCompletion } from './response';

/** Test bodies leave out what Bedrock may leave out (usage). */
const converse = (body: object) => body as Parameters<typeof toChatCompletion>[0];
const ctx = { id: 'chatcmpl-test', model: 'anthropic.claude-3-5-haiku-20241022-v1:0', created: 1_700_000_000 };

describe('toChatCompletion', () => {
  it('joins text blocks, surfaces reasoning as reasoning_content and maps usage', () => {
    const completion = toChatCompletion(
      converse({
        output: { message: { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Think.', signature: 'sig' } } }, { text: 'Hello ' }, { text: 'world' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
      }),
      ctx,
    );
    expectOpenAIValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: 'Hello world', refusal: null, reasoning_content: 'Think.' },
      finish_reason: 'stop',
      logprobs: null,
    });
    expect(completion.usage?.total_tokens).toBe(7);
  });

  it('returns tool calls with JSON-text arguments, and null content when there is no text', () => {
    const completion = toChatCompletion(
      converse({
        output: {
          message: {
            role: 'assistant',
            content: [
              { toolUse: { toolUseId: 'tu_1', name: 'weather', input: { city: 'Oslo' } } },
              { toolUse: { toolUseId: 'tu_2', name: 'time', input: {} } },
            ],
          },
        },
        stopReason: 'tool_use',
      }),
      ctx,
    );
    expectOpenAIValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].finish_reason).toBe('tool_calls');
    expect(completion.choices[0].message.content).toBeNull();
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'tu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
      { id: 'tu_2', type: 'function', function: { name: 'time', arguments: '{}' } },
    ]);
    expect(completion.usage).toBeUndefined();
  });

  it('returns the JSON tool’s input as content with finish_reason stop', () => {
    const completion = toChatCompletion(
      converse({ output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 'tu', name: 'json_response', input: { answer: 42 } } }] } }, stopReason: 'tool_use' }),
      { ...ctx, jsonToolName: 'json_response' },
    );
    expectOpenAIValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].message).toEqual({ role: 'assistant', content: '{"answer":42}', refusal: null });
    expect(completion.choices[0].finish_reason).toBe('stop');
  });

  it('maps a guardrail intervention to content_filter', () => {
    const completion = toChatCompletion(converse({ output: { message: { role: 'assistant', content: [{ text: 'Sorry, I cannot help with that.' }] } }, stopReason: 'guardrail_intervened' }), ctx);
    expect(completion.choices[0].finish_reason).toBe('content_filter');
  });
});
