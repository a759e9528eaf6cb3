import { describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '@google/genai';
import type { ChatCompletionChunk } from '@switchyard/plugin-kit';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { loadChunks } from '../../../test/emulators/gemini/fixtures';
import { translateStream } from './stream';
import { signatureOf } from './tool-call-id';

const ctx = { model: 'gemini-x', choices: 1, fallbackId: 'fallback', created: 1_700_000_000 };

async function* from(events: unknown[]): AsyncGenerator<GenerateContentResponse> {
  for (const event of events) yield event as GenerateContentResponse;
}

async function translate(events: unknown[], overrides: Partial<typeof ctx> = {}): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of translateStream(from(events), { ...ctx, ...overrides })) chunks.push(chunk);
  chunks.forEach((chunk, i) => expectOpenAIValid('CreateChatCompletionStreamResponse', chunk, `chunk ${i}`));
  return chunks;
}

const slice = (parts: unknown[], extra: Record<string, unknown> = {}, candidateExtra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...candidateExtra }],
  responseId: 'resp',
  modelVersion: 'gemini-2.5-flash',
  ...extra,
});

describe('translateStream', () => {
  it('relays the recorded text stream (google-text.chunks.txt): same text, finish, usage last', async () => {
    const events = loadChunks('google-text.chunks.txt').events!.map((line) => JSON.parse(line) as GenerateContentResponse);
    const chunks = await translate(events);
    const expected = events.flatMap((e) => e.candidates![0].content!.parts!.map((p) => p.text ?? '')).join('');
    const assembled = assembleStream(chunks);
    expect(assembled.choices[0].text).toBe(expected);
    expect(assembled.choices[0].finishReason).toBe('stop');
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([`chatcmpl-${events[0].responseId}`]));
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 23 + 185, total_tokens: 217, completion_tokens_details: { reasoning_tokens: 185 } } });
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
  });

  it('relays the recorded function call stream (google-tool-call.chunks.txt) as one whole tool_call delta', async () => {
    const events = loadChunks('google-tool-call.chunks.txt').events!.map((line) => JSON.parse(line) as GenerateContentResponse);
    const chunks = await translate(events);
    const assembled = assembleStream(chunks).choices[0];
    const recordedCall = events[0].candidates![0].content!.parts![0];
    expect(assembled.finishReason).toBe('tool_calls');
    expect(assembled.toolCalls).toHaveLength(1);
    expect(assembled.toolCalls[0].name).toBe('weather');
    expect(JSON.parse(assembled.toolCalls[0].arguments)).toEqual(recordedCall.functionCall!.args);
    expect(signatureOf(assembled.toolCalls[0].id!)).toBe(recordedCall.thoughtSignature);
    const callChunks = chunks.filter((c) => c.choices[0]?.delta.tool_calls);
    expect(callChunks).toHaveLength(1);
    expect(callChunks[0].choices[0].delta.tool_calls![0]).toMatchObject({ index: 0, type: 'function', function: { name: 'weather' } });
  });

  it('streams thoughts as reasoning_content and numbers calls across events', async () => {
    const chunks = await translate([
      slice([{ text: 'Let me think', thought: true }]),
      slice([{ text: 'Checking.' }, { functionCall: { name: 'a', args: { q: 1 } } }]),
      slice([{ functionCall: { name: 'b', args: {} } }], { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, thoughtsTokenCount: 2 } }, { finishReason: 'STOP' }),
    ]);
    const assembled = assembleStream(chunks).choices[0];
    expect(assembled.reasoning).toBe('Let me think');
    expect(assembled.text).toBe('Checking.');
    expect(assembled.toolCalls.map((c) => c.name)).toEqual(['a', 'b']);
    expect(assembled.toolCalls[0].id).not.toBe(assembled.toolCalls[1].id);
    expect(assembled.finishReason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 6 });
    expect(chunks.every((c) => c.model === 'gemini-2.5-flash')).toBe(true);
  });

  it('keeps several candidates apart as choices', async () => {
    const event = (texts: string[], finish?: string) => ({
      responseId: 'multi',
      candidates: texts.map((text, index) => ({ index, content: { role: 'model', parts: [{ text }] }, ...(finish ? { finishReason: finish } : {}) })),
    });
    const chunks = await translate([event(['a1 ', 'b1 ']), event(['a2', 'b2'], 'STOP')], { choices: 2 });
    const assembled = assembleStream(chunks);
    expect(assembled.choices.map((c) => [c.text, c.finishReason])).toEqual([
      ['a1 a2', 'stop'],
      ['b1 b2', 'stop'],
    ]);
    expect(chunks.every((c) => c.choices.length <= 1)).toBe(true);
  });

  it('ends a blocked prompt with content_filter on every requested choice', async () => {
    const chunks = await translate([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 5 } }], { choices: 2 });
    const assembled = assembleStream(chunks);
    expect(assembled.choices.map((c) => c.finishReason)).toEqual(['content_filter', 'content_filter']);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 5 });
  });

  it('maps MAX_TOKENS and SAFETY finishes', async () => {
    expect(assembleStream(await translate([slice([{ text: 'cut' }], {}, { finishReason: 'MAX_TOKENS' })])).choices[0].finishReason).toBe('length');
    expect(assembleStream(await translate([slice([{ text: 'no' }], {}, { finishReason: 'SAFETY' })])).choices[0].finishReason).toBe('content_filter');
  });

  it('finishes a choice the upstream left open, and sends no usage chunk without usage', async () => {
    const chunks = await translate([slice([{ text: 'open' }])]);
    expect(assembleStream(chunks).choices[0].finishReason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('skips empty text parts that only carry a signature', async () => {
    const chunks = await translate([slice([{ text: 'x' }]), slice([{ text: '', thoughtSignature: 'c2ln' }], {}, { finishReason: 'STOP' })]);
    expect(chunks.filter((c) => c.choices[0]?.delta.content !== undefined)).toHaveLength(1);
  });
});
