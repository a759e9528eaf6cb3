import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/core';
import { validateMessagesRequest } from './validate-request';

const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };

function problem(body: unknown): string {
  try {
    validateMessagesRequest(body);
  } catch (err) {
    expect(GatewayError.is(err)).toBe(true);
    expect((err as GatewayError).status).toBe(400);
    return (err as GatewayError).message;
  }
  throw new Error('expected a validation error');
}

describe('validateMessagesRequest', () => {
  it('accepts a minimal request and the documented optional fields', () => {
    expect(validateMessagesRequest(base)).toBe(base);
    const full = {
      ...base,
      system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
      stop_sequences: ['END'],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'u1' },
      stream: true,
      tools: [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'tool_use', id: 't1', name: 'get_weather', input: { city: 'Oslo' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'sunny' }] }] },
      ],
    };
    expect(validateMessagesRequest(full)).toBe(full);
  });

  it('names a missing required field the way Anthropic does', () => {
    expect(problem({ model: 'm', messages: [] })).toBe('max_tokens: Field required');
    expect(problem({ ...base, messages: [{ role: 'user' }] })).toBe('messages.0.content: Field required');
  });

  it('points at the deepest wrong field inside content blocks', () => {
    expect(problem({ ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'AAAA' } }] }] })).toBe(
      'messages.0.content.0.source.media_type: Field required',
    );
    expect(problem({ ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'x', name: 'f' }] }] })).toBe('messages.0.content.0.input: Field required');
  });

  it('refuses unknown fields, wrong types and out-of-range values', () => {
    expect(problem({ ...base, frequency_penalty: 1 })).toBe('frequency_penalty: Extra inputs are not permitted');
    expect(problem({ ...base, max_tokens: 0 })).toMatch(/^max_tokens: must be >= 1/);
    expect(problem({ ...base, temperature: 1.5 })).toMatch(/^temperature: must be <= 1/);
    expect(problem({ ...base, messages: [{ role: 'system', content: 'x' }] })).toBe('messages.0.role: Input should be "user", "assistant"');
    expect(problem({ ...base, thinking: { type: 'enabled' } })).toBe('thinking.budget_tokens: Field required');
    expect(problem({ ...base, thinking: { type: 'enabled', budget_tokens: 100 } })).toMatch(/^thinking.budget_tokens: must be >= 1024/);
    expect(problem({ ...base, tool_choice: { type: 'tool' } })).toBe('tool_choice.name: Field required');
    expect(problem([])).toMatch(/JSON object/);
  });
});
