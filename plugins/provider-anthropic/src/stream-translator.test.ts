import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatCompletionChunk } from '@switchyard/plugin-kit';
import { StreamTranslator, type AnthropicStreamEvent } from './stream-translator';

const start = (usage: Record<string, number> = { input_tokens: 12, output_tokens: 1 }): AnthropicStreamEvent =>
  ({ type: 'message_start', message: { id: 'msg_01S', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage } }) as never;
const blockStart = (index: number, content_block: Record<string, unknown>): AnthropicStreamEvent => ({ type: 'content_block_start', index, content_block }) as never;
const delta = (index: number, d: Record<string, unknown>): AnthropicStreamEvent => ({ type: 'content_block_delta', index, delta: d }) as never;
const blockStop = (index: number): AnthropicStreamEvent => ({ type: 'content_block_stop', index });
const messageDelta = (stop_reason: string, usage: Record<string, number | null> = { output_tokens: 9 }, extra: Record<string, unknown> = {}): AnthropicStreamEvent =>
  ({ type: 'message_delta', delta: { stop_reason, stop_sequence: null, ...extra }, usage }) as never;
const stop: AnthropicStreamEvent = { type: 'message_stop' };

function run(events: AnthropicStreamEvent[], context = {}): { chunks: ChatCompletionChunk[]; translator: StreamTranslator } {
  const translator = new StreamTranslator(context, 'requested-model', 1700000000);
  return { chunks: events.flatMap((e) => translator.push(e)), translator };
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0].delta);

describe('StreamTranslator', () => {
  it('opens with a role chunk, streams text, then the finish chunk, then usage alone last', () => {
    const { chunks, translator } = run([
      start(),
      blockStart(0, { type: 'text', text: '' }),
      { type: 'ping' },
      delta(0, { type: 'text_delta', text: 'Hello' }),
      delta(0, { type: 'text_delta', text: ' there' }),
      blockStop(0),
      messageDelta('end_turn', { output_tokens: 6 }),
      stop,
    ]);
    expect(translator.complete).toBe(true);
    expect(chunks.every((c) => c.id === 'msg_01S' && c.object === 'chat.completion.chunk' && c.created === 1700000000 && c.model === 'claude-x')).toBe(true);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, { content: 'Hello' }, { content: ' there' }, {}]);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 } });
  });

  it('numbers tool calls 0, 1, ... regardless of block index and streams their arguments', () => {
    const { chunks } = run([
      start(),
      blockStart(0, { type: 'text', text: '' }),
      delta(0, { type: 'text_delta', text: 'Checking.' }),
      blockStop(0),
      blockStart(1, { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} }),
      delta(1, { type: 'input_json_delta', partial_json: '' }),
      delta(1, { type: 'input_json_delta', partial_json: '{"city":' }),
      delta(1, { type: 'input_json_delta', partial_json: '"Paris"}' }),
      blockStop(1),
      blockStart(2, { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} }),
      delta(2, { type: 'input_json_delta', partial_json: '{"tz":"CET"}' }),
      blockStop(2),
      messageDelta('tool_use'),
      stop,
    ]);
    const toolDeltas = deltas(chunks).flatMap((d) => d.tool_calls ?? []);
    expect(toolDeltas).toEqual([
      { index: 0, id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '' } },
      { index: 0, function: { arguments: '{"city":' } },
      { index: 0, function: { arguments: '"Paris"}' } },
      { index: 1, id: 'toolu_b', type: 'function', function: { name: 'get_time', arguments: '' } },
      { index: 1, function: { arguments: '{"tz":"CET"}' } },
    ]);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it('gives a tool with no streamed input its arguments at block stop', () => {
    const { chunks } = run([
      start(),
      blockStart(0, { type: 'tool_use', id: 't0', name: 'now', input: {} }),
      delta(0, { type: 'input_json_delta', partial_json: '' }),
      blockStop(0),
      blockStart(1, { type: 'tool_use', id: 't1', name: 'preset', input: { a: 1 } }),
      blockStop(1),
      messageDelta('tool_use'),
      stop,
    ]);
    const args = deltas(chunks)
      .flatMap((d) => d.tool_calls ?? [])
      .filter((t) => t.id === undefined)
      .map((t) => [t.index, t.function?.arguments]);
    expect(args).toEqual([
      [0, '{}'],
      [1, '{"a":1}'],
    ]);
  });

  it('streams thinking as reasoning_content and ignores signatures and redacted thinking', () => {
    const { chunks } = run([
      start(),
      blockStart(0, { type: 'thinking', thinking: '', signature: '' }),
      delta(0, { type: 'thinking_delta', thinking: 'Step one. ' }),
      delta(0, { type: 'thinking_delta', thinking: 'Step two.' }),
      delta(0, { type: 'signature_delta', signature: 'SIG' }),
      blockStop(0),
      blockStart(1, { type: 'redacted_thinking', data: 'SECRET-BLOB' }),
      blockStop(1),
      blockStart(2, { type: 'text', text: '' }),
      delta(2, { type: 'text_delta', text: 'Done.' }),
      blockStop(2),
      messageDelta('end_turn'),
      stop,
    ]);
    expect(deltas(chunks).slice(1, -1)).toEqual([{ reasoning_content: 'Step one. ' }, { reasoning_content: 'Step two.' }, { content: 'Done.' }]);
    expect(JSON.stringify(chunks)).not.toMatch(/SIG|SECRET-BLOB/);
  });

  it('streams the JSON tool as content and finishes with stop', () => {
    const { chunks } = run(
      [
        start(),
        blockStart(0, { type: 'tool_use', id: 'toolu_j', name: 'json', input: {} }),
        delta(0, { type: 'input_json_delta', partial_json: '' }),
        delta(0, { type: 'input_json_delta', partial_json: '{"answer":' }),
        delta(0, { type: 'input_json_delta', partial_json: '42}' }),
        blockStop(0),
        messageDelta('tool_use'),
        stop,
      ],
      { jsonToolName: 'json' },
    );
    expect(deltas(chunks).map((d) => d.content ?? null)).toEqual(['', '{"answer":', '42}', null]);
    expect(deltas(chunks).some((d) => d.tool_calls)).toBe(false);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
  });

  it('reports a refusal with its explanation and content_filter', () => {
    const { chunks } = run([start(), { type: 'ping' }, messageDelta('refusal', { output_tokens: 5 }, { stop_details: { type: 'refusal', category: 'cyber', explanation: 'Blocked by policy.' } }), stop]);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '' }, { refusal: 'Blocked by policy.' }, {}]);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('content_filter');
  });

  it('merges usage from message_start and message_delta, cache tokens included', () => {
    const { chunks } = run([
      start({ input_tokens: 10, cache_read_input_tokens: 80, cache_creation_input_tokens: 30, output_tokens: 1 }),
      messageDelta('max_tokens', { output_tokens: 64, input_tokens: null, cache_read_input_tokens: null }),
      stop,
    ]);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('length');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 120, completion_tokens: 64, total_tokens: 184, prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 30 } });
  });

  it('is incomplete until message_stop', () => {
    const { translator } = run([start(), blockStart(0, { type: 'text', text: '' }), delta(0, { type: 'text_delta', text: 'Hi' })]);
    expect(translator.complete).toBe(false);
  });

  it('throws the matching GatewayError for an error event', () => {
    const translator = new StreamTranslator({}, 'm');
    translator.push(start());
    let thrown: unknown;
    try {
      translator.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    } catch (err) {
      thrown = err;
    }
    expect(GatewayError.is(thrown)).toBe(true);
    expect(thrown).toMatchObject({ status: 503, type: 'overloaded_error', retryable: true });
  });
});
