import { describe, expect, it } from 'vitest';
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatCompletionChunk } from '@switchyard/plugin-kit';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { toChatChunks } from './stream';

const ctx = { id: 'chatcmpl-s', model: 'm', created: 1_700_000_000 };

async function* from(events: object[]): AsyncIterable<ConverseStreamOutput> {
  for (const event of events) yield event as ConverseStreamOutput;
}

async function run(events: object[], jsonToolName?: string): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of toChatChunks(from(events), { ...ctx, jsonToolName })) {
    expectOpenAIValid('CreateChatCompletionStreamResponse', chunk);
    chunks.push(chunk);
  }
  return chunks;
}

describe('toChatChunks', () => {
  it('relays text and reasoning deltas, then the finish, then usage last with choices: []', async () => {
    const chunks = await run([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Let me ' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'think.' } } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'c2ln' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { text: 'Hi' } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { text: ' there' } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { messageStop: { stopReason: 'end_turn' } },
      { metadata: { usage: { inputTokens: 5, outputTokens: 9, totalTokens: 24, cacheReadInputTokens: 10 }, metrics: { latencyMs: 3 } } },
    ]);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const assembled = assembleStream(chunks);
    expect(assembled.choices[0]).toMatchObject({ text: 'Hi there', reasoning: 'Let me think.', finishReason: 'stop' });
    expect(assembled.usageChunkIndex).toBe(chunks.length - 1);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 15, completion_tokens: 9, total_tokens: 24, prompt_tokens_details: { cached_tokens: 10 } } });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-s']));
  });

  it('streams parallel tool calls with ids, names and argument deltas, indexed from 0', async () => {
    const chunks = await run([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Checking.' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu_a', name: 'weather' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"Oslo"}' } } } },
      { contentBlockStop: { contentBlockIndex: 1 } },
      { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu_b', name: 'time' } } } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{}' } } } },
      { contentBlockStop: { contentBlockIndex: 2 } },
      { messageStop: { stopReason: 'tool_use' } },
    ]);
    const assembled = assembleStream(chunks).choices[0];
    expect(assembled.finishReason).toBe('tool_calls');
    expect(assembled.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }))).toEqual([
      { id: 'tu_a', name: 'weather', arguments: '{"city":"Oslo"}' },
      { id: 'tu_b', name: 'time', arguments: '{}' },
    ]);
    expect(assembled.toolCalls[0].argumentDeltas).toBe(2);
    // No usage event, no usage chunk.
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('streams the JSON tool’s input as content and finishes with stop', async () => {
    const chunks = await run(
      [
        { messageStart: { role: 'assistant' } },
        { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tu', name: 'json_response' } } } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"ans' } } } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: 'wer":42}' } } } },
        { contentBlockStop: { contentBlockIndex: 0 } },
        { messageStop: { stopReason: 'tool_use' } },
      ],
      'json_response',
    );
    const assembled = assembleStream(chunks).choices[0];
    expect(assembled.text).toBe('{"answer":42}');
    expect(assembled.toolCalls).toEqual([]);
    expect(assembled.finishReason).toBe('stop');
  });

  it('sends the assistant role on the first chunk even without messageStart, and usage last even when metadata precedes messageStop', async () => {
    const chunks = await run([
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'x' } } },
      { metadata: { usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } } },
      { messageStop: { stopReason: 'max_tokens' } },
    ]);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((c) => (c.choices.length === 0 ? 'usage' : c.choices[0].finish_reason))).toEqual([null, 'length', 'usage']);
  });

  it('throws when the stream ends before messageStop, and when an exception arrives as data', async () => {
    await expect(run([{ messageStart: { role: 'assistant' } }, { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'x' } } }])).rejects.toMatchObject({ status: 502, code: 'upstream_stream_incomplete' });
    await expect(run([{ messageStart: { role: 'assistant' } }, { throttlingException: { message: 'slow down' } }])).rejects.toMatchObject({ name: 'ThrottlingException', message: 'slow down' });
  });
});
