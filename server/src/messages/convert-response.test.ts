import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionMessage, FinishReason, Usage } from '@switchyard/spec';
import { convertResponse, parseToolInput } from './convert-response';
import { messageId } from './message-id';

const completion = (message: Partial<ChatCompletionMessage>, finish: FinishReason = 'stop', usage?: Usage, choiceExtra: object = {}): ChatCompletion => ({
  id: 'chatcmpl-abc123',
  object: 'chat.completion',
  created: 1,
  model: 'upstream-model',
  choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, ...message }, finish_reason: finish, logprobs: null, ...choiceExtra }],
  usage,
});

describe('convertResponse', () => {
  it('turns text and usage into an Anthropic message', () => {
    const usage: Usage = { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 50 }, completion_tokens_details: { reasoning_tokens: 5 } };
    expect(convertResponse(completion({ content: 'Hello' }, 'stop', usage))).toEqual({
      id: 'msg_abc123',
      type: 'message',
      role: 'assistant',
      model: 'upstream-model',
      content: [{ type: 'text', text: 'Hello', citations: null }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
      usage: {
        input_tokens: 20,
        output_tokens: 20,
        cache_read_input_tokens: 30,
        cache_creation_input_tokens: 50,
        cache_creation: null,
        server_tool_use: null,
        service_tier: null,
        output_tokens_details: { thinking_tokens: 5 },
      },
    });
  });

  it('orders thinking, text and tool_use blocks and reports tool_use', () => {
    const out = convertResponse(
      completion(
        {
          reasoning_content: 'I should look it up',
          content: 'Let me check.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        'tool_calls',
      ),
    );
    expect(out.content).toEqual([
      { type: 'thinking', thinking: 'I should look it up', signature: '' },
      { type: 'text', text: 'Let me check.', citations: null },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
    ]);
    expect(out.stop_reason).toBe('tool_use');
  });

  it('maps length, refusals and a reported stop sequence', () => {
    expect(convertResponse(completion({ content: 'cut' }, 'length')).stop_reason).toBe('max_tokens');
    const refused = convertResponse(completion({ refusal: 'I cannot help with that.' }, 'stop'));
    expect(refused.stop_reason).toBe('refusal');
    expect(refused.content).toEqual([{ type: 'text', text: 'I cannot help with that.', citations: null }]);
    expect(refused.stop_details).toEqual({ type: 'refusal', category: null, explanation: 'I cannot help with that.' });
    expect(convertResponse(completion({ content: 'x' }, 'content_filter')).stop_reason).toBe('refusal');
    const stopped = convertResponse(completion({ content: 'one two' }, 'stop', undefined, { stop_sequence: 'three' }));
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'three' });
  });

  it('reports zero usage when the upstream gave none', () => {
    expect(convertResponse(completion({ content: 'x' })).usage).toMatchObject({ input_tokens: 0, output_tokens: 0 });
  });
});

describe('parseToolInput', () => {
  it('keeps arguments that are not a JSON object instead of losing them', () => {
    expect(parseToolInput('{"a":1}')).toEqual({ a: 1 });
    expect(parseToolInput('{"a":')).toEqual({ _raw: '{"a":' });
    expect(parseToolInput('[1]')).toEqual({ _raw: '[1]' });
    expect(parseToolInput(undefined)).toEqual({});
  });
});

describe('messageId', () => {
  it('keeps msg_ ids, derives others, invents one when absent', () => {
    expect(messageId('msg_01ABC')).toBe('msg_01ABC');
    expect(messageId('chatcmpl-xyz')).toBe('msg_xyz');
    expect(messageId(undefined)).toMatch(/^msg_[0-9a-f]{24}$/);
  });
});
