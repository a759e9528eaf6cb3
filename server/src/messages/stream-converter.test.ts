import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatCompletionChunkDelta, FinishReason, Usage } from '@switchyard/spec';
import { StreamConverter, type AnthropicStreamEvent } from './stream-converter';

const chunk = (delta: ChatCompletionChunkDelta, finish: FinishReason | null = null): ChatCompletionChunk => ({
  id: 'chatcmpl-s1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'up',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const usageChunk = (usage: Usage): ChatCompletionChunk => ({ id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'up', choices: [], usage });

function run(chunks: ChatCompletionChunk[]): AnthropicStreamEvent[] {
  const c = new StreamConverter('asked-model');
  return [...chunks.flatMap((x) => c.push(x)), ...c.finish()];
}

describe('StreamConverter', () => {
  it('emits the Anthropic event sequence for a text stream', () => {
    const events = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      usageChunk({ prompt_tokens: 12, completion_tokens: 2, total_tokens: 14, prompt_tokens_details: { cached_tokens: 2 } }),
    ]);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0].data).toMatchObject({ type: 'message_start', message: { id: 'msg_s1', model: 'up', role: 'assistant', content: [], stop_reason: null, usage: { output_tokens: 0 } } });
    expect(events[2].data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } });
    expect(events[3].data).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } });
    expect(events[6].data).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 2, cache_creation_input_tokens: 0 },
    });
  });

  it('puts thinking, text and each tool call in their own blocks, in order', () => {
    const events = run([
      chunk({ reasoning_content: 'think' }),
      chunk({ reasoning_content: 'ing' }),
      chunk({ content: 'Calling.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const blocks = events.filter((e) => e.event.startsWith('content_block')).map((e) => e.data);
    expect(blocks).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'think' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'ing' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: null } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Calling.' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_a', name: 'f', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"x":' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'call_b', name: 'g', input: {} } },
      { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 3 },
    ]);
    expect(events.find((e) => e.event === 'message_delta')!.data).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('maps length and refusal stops', () => {
    const length = run([chunk({ content: 'a' }, 'length')]);
    expect(length.find((e) => e.event === 'message_delta')!.data).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    const refusal = run([chunk({ refusal: 'No.' }), chunk({}, 'stop')]);
    expect(refusal.find((e) => e.event === 'message_delta')!.data).toMatchObject({ delta: { stop_reason: 'refusal', stop_details: { type: 'refusal', explanation: 'No.' } } });
  });

  it('still produces a whole message from an empty stream', () => {
    const events = run([]);
    expect(events.map((e) => e.event)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
    expect(events[0].data).toMatchObject({ message: { model: 'asked-model' } });
  });
});
