import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '@google/genai';
import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { fixturePath } from '../../../test/emulators/gemini/fixtures';
import { toChatCompletion } from './convert-response';
import { signatureOf } from './tool-call-id';

const ctx = { model: 'gemini-x', choices: 1, fallbackId: 'fallback', created: 1_700_000_000 };
const fixture = (name: string) => JSON.parse(fs.readFileSync(fixturePath(name), 'utf8')) as GenerateContentResponse;

function convert(response: Partial<GenerateContentResponse>, overrides: Partial<typeof ctx> = {}) {
  const completion = toChatCompletion(response as GenerateContentResponse, { ...ctx, ...overrides });
  expectOpenAIValid('CreateChatCompletionResponse', completion);
  return completion;
}

describe('toChatCompletion', () => {
  it('converts the recorded text answer (google-text.json)', () => {
    const recorded = fixture('google-text.json');
    const completion = convert(recorded);
    expect(completion).toEqual({
      id: `chatcmpl-${recorded.responseId}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemini-3-pro-preview',
      choices: [{ index: 0, message: { role: 'assistant', content: recorded.candidates![0].content!.parts![0].text, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 9, completion_tokens: 272, total_tokens: 281, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 244 } },
    });
  });

  it('converts the recorded function call (google-tool-call.json) with a stable id carrying its signature', () => {
    const recorded = fixture('google-tool-call.json');
    const completion = convert(recorded);
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0];
    expect(call).toMatchObject({ type: 'function', function: { name: 'weather' } });
    expect(JSON.parse(call.function.arguments)).toEqual(recorded.candidates![0].content!.parts![0].functionCall!.args);
    expect(signatureOf(call.id)).toBe(recorded.candidates![0].content!.parts![0].thoughtSignature);
    expect(convert(recorded).choices[0].message.tool_calls![0].id).toBe(call.id);
  });

  it('separates thought text into reasoning_content and gives parallel calls distinct ids', () => {
    const completion = convert({
      responseId: 'r1',
      candidates: [
        {
          index: 0,
          finishReason: 'STOP' as never,
          content: {
            role: 'model',
            parts: [{ text: 'Thinking...', thought: true }, { text: 'Calling both.' }, { functionCall: { name: 'a', args: { x: 1 } } }, { functionCall: { name: 'b', args: {} } }],
          },
        },
      ],
    });
    const message = completion.choices[0].message;
    expect(message.reasoning_content).toBe('Thinking...');
    expect(message.content).toBe('Calling both.');
    expect(message.tool_calls!.map((c) => [c.function.name, c.function.arguments])).toEqual([
      ['a', '{"x":1}'],
      ['b', '{}'],
    ]);
    expect(message.tool_calls![0].id).not.toBe(message.tool_calls![1].id);
  });

  it('maps candidates to choices by their index', () => {
    const completion = convert(
      {
        responseId: 'r2',
        candidates: [
          { index: 1, finishReason: 'MAX_TOKENS' as never, content: { role: 'model', parts: [{ text: 'second' }] } },
          { index: 0, finishReason: 'STOP' as never, content: { role: 'model', parts: [{ text: 'first' }] } },
        ],
      },
      { choices: 2 },
    );
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'first', 'stop'],
      [1, 'second', 'length'],
    ]);
  });

  it('answers a blocked prompt with content_filter on every requested choice', () => {
    const completion = convert({ promptFeedback: { blockReason: 'SAFETY' as never }, usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 } }, { choices: 2 });
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, null, 'content_filter'],
      [1, null, 'content_filter'],
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 0 });
  });

  it('maps a safety stop without content to content_filter', () => {
    const completion = convert({ candidates: [{ index: 0, finishReason: 'SAFETY' as never }] });
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } });
    expect(completion.id).toBe('chatcmpl-fallback');
    expect(completion.model).toBe('gemini-x');
  });

  it('carries logprobs when Gemini returned them', () => {
    const completion = convert({
      candidates: [{ index: 0, finishReason: 'STOP' as never, content: { role: 'model', parts: [{ text: 'Hi' }] }, logprobsResult: { chosenCandidates: [{ token: 'Hi', logProbability: -0.2 }], topCandidates: [] } }],
    });
    expect(completion.choices[0].logprobs).toEqual({ content: [{ token: 'Hi', logprob: -0.2, bytes: [72, 105], top_logprobs: [] }], refusal: null });
  });
});
