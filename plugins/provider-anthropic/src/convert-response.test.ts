import { describe, expect, it } from 'vitest';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { convertResponse } from './convert-response';

function message(content: unknown[], extra: Partial<Record<keyof Message, unknown>> = {}): Message {
  return {
    id: 'msg_01Test',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    ...extra,
  } as unknown as Message;
}

describe('convertResponse', () => {
  it('joins text blocks into content with finish stop and usage', () => {
    const out = convertResponse(message([{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world' }]), {}, 1700000000);
    expect(out).toEqual({
      id: 'msg_01Test',
      object: 'chat.completion',
      created: 1700000000,
      model: 'claude-haiku-4-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } },
    });
  });

  it('turns tool_use blocks into tool calls with JSON arguments', () => {
    const out = convertResponse(
      message(
        [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
        ],
        { stop_reason: 'tool_use' },
      ),
      {},
    );
    expect(out.choices[0].finish_reason).toBe('tool_calls');
    expect(out.choices[0].message.content).toBe('Checking.');
    expect(out.choices[0].message.tool_calls).toEqual([
      { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
  });

  it('reads thinking into reasoning_content and skips redacted thinking', () => {
    const out = convertResponse(
      message([
        { type: 'thinking', thinking: 'Let me think.', signature: 'sig' },
        { type: 'redacted_thinking', data: 'ENCRYPTED' },
        { type: 'text', text: 'Answer.' },
      ]),
      {},
    );
    expect(out.choices[0].message.reasoning_content).toBe('Let me think.');
    expect(out.choices[0].message.content).toBe('Answer.');
    expect(JSON.stringify(out)).not.toContain('ENCRYPTED');
  });

  it('returns the JSON tool input as the content, with finish stop', () => {
    const out = convertResponse(message([{ type: 'tool_use', id: 'toolu_j', name: 'json', input: { answer: 42 } }], { stop_reason: 'tool_use' }), { jsonToolName: 'json' });
    expect(out.choices[0].message.content).toBe('{"answer":42}');
    expect(out.choices[0].message.tool_calls).toBeUndefined();
    expect(out.choices[0].finish_reason).toBe('stop');
  });

  it('keeps real tool calls next to the JSON tool as tool calls', () => {
    const out = convertResponse(
      message(
        [
          { type: 'tool_use', id: 'toolu_a', name: 'lookup', input: { q: 1 } },
          { type: 'tool_use', id: 'toolu_b', name: 'json', input: { partial: true } },
        ],
        { stop_reason: 'tool_use' },
      ),
      { jsonToolName: 'json' },
    );
    expect(out.choices[0].finish_reason).toBe('tool_calls');
    expect(out.choices[0].message.tool_calls?.map((c) => c.function.name)).toEqual(['lookup']);
  });

  it('reports a refusal as content_filter with its explanation, and maps other stops', () => {
    const refused = convertResponse(message([], { stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'cyber', explanation: 'Blocked.' } }), {});
    expect(refused.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null, refusal: 'Blocked.' } });
    expect(convertResponse(message([{ type: 'text', text: 'cut' }], { stop_reason: 'max_tokens' }), {}).choices[0].finish_reason).toBe('length');
    expect(convertResponse(message([{ type: 'text', text: 'x' }], { stop_reason: 'stop_sequence', stop_sequence: 'END' }), {}).choices[0].finish_reason).toBe('stop');
  });

  it('counts cache reads and writes into prompt tokens', () => {
    const out = convertResponse(message([{ type: 'text', text: 'x' }], { usage: { input_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 50, output_tokens: 2 } }), {});
    expect(out.usage).toEqual({ prompt_tokens: 155, completion_tokens: 2, total_tokens: 157, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 50 } });
  });
});
