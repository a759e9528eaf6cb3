import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/core';
import { convertRequest, reasoningEffort } from './convert-request';
import type { AnthropicMessagesRequest } from './types';

const req = (over: Partial<AnthropicMessagesRequest>): AnthropicMessagesRequest => ({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], ...over });

describe('convertRequest', () => {
  it('maps the top-level parameters', () => {
    const { request, dropped } = convertRequest(
      req({ system: 'be brief', temperature: 0.2, top_p: 0.8, top_k: 5, stop_sequences: ['END', 'STOP'], metadata: { user_id: 'user-7' }, stream: true }),
    );
    expect(request).toEqual({
      model: 'm',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      max_completion_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.8,
      stop: ['END', 'STOP'],
      user: 'user-7',
    });
    expect(dropped).toEqual(['top_k']);
  });

  it('keeps several system blocks as separate text parts', () => {
    const { request } = convertRequest(req({ system: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }));
    expect(request.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] });
  });

  it('converts images from base64 and URL sources, and documents', () => {
    const { request } = convertRequest(
      req({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'compare' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
              { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0' }, title: 'report.pdf' },
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' } },
            ],
          },
        ],
      }),
    );
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'compare' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0', filename: 'report.pdf' } },
          { type: 'text', text: 'plain words' },
        ],
      },
    ]);
  });

  it('turns a tool round trip into assistant tool_calls and tool messages', () => {
    const { request } = convertRequest(
      req({
        messages: [
          { role: 'user', content: 'weather in Oslo and Rome?' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'two cities', signature: 'sig' },
              { type: 'redacted_thinking', data: 'opaque' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
              { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: 'cold' },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'warm' }, { type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] },
              { type: 'text', text: 'Summarise.' },
            ],
          },
        ],
      }),
    );
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning_content: 'two cities',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'cold' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'warm' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
      { role: 'user', content: 'Summarise.' },
    ]);
  });

  it('marks an error tool result in its text', () => {
    const { request } = convertRequest(req({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'timeout', is_error: true }] }] }));
    expect(request.messages).toEqual([{ role: 'tool', tool_call_id: 't', content: 'Error: timeout' }]);
  });

  it('maps tools and every tool_choice', () => {
    const tools = [{ name: 'f', description: 'does f', input_schema: { type: 'object', properties: {} } }];
    const fn = { type: 'function', function: { name: 'f', description: 'does f', parameters: { type: 'object', properties: {} } } };
    expect(convertRequest(req({ tools })).request.tools).toEqual([fn]);
    expect(convertRequest(req({ tools, tool_choice: { type: 'auto' } })).request).toMatchObject({ tool_choice: 'auto' });
    expect(convertRequest(req({ tools, tool_choice: { type: 'any' } })).request).toMatchObject({ tool_choice: 'required' });
    expect(convertRequest(req({ tools, tool_choice: { type: 'none' } })).request).toMatchObject({ tool_choice: 'none' });
    const forced = convertRequest(req({ tools, tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true } })).request;
    expect(forced).toMatchObject({ tool_choice: { type: 'function', function: { name: 'f' } }, parallel_tool_calls: false });
    expect(convertRequest(req({ tools, tool_choice: { type: 'auto' } })).request).not.toHaveProperty('parallel_tool_calls');
  });

  it('refuses server tools and a forced tool without tools', () => {
    expect(() => convertRequest(req({ tools: [{ type: 'web_search_20250305' as 'custom', name: 'web_search', input_schema: undefined as never }] }))).toThrow(/server tools/);
    expect(() => convertRequest(req({ tool_choice: { type: 'any' } }))).toThrow(/requires tools/);
    expect(convertRequest(req({ tool_choice: { type: 'auto' } })).request).not.toHaveProperty('tool_choice');
  });

  it('refuses Files API sources and tool blocks in the wrong turn, naming the field', () => {
    const err = (() => {
      try {
        convertRequest(req({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] }));
      } catch (e) {
        return e as GatewayError;
      }
    })();
    expect(err?.status).toBe(400);
    expect(err?.param).toBe('messages.0.content.0.source.type');
    expect(() => convertRequest(req({ messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'x', name: 'f', input: {} }] }] }))).toThrow(/only allowed in assistant/);
    expect(() => convertRequest(req({ messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 'x' }] }] }))).toThrow(/not allowed in assistant/);
  });

  it('turns a JSON output format into response_format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(convertRequest(req({ output_config: { format: { type: 'json_schema', schema } } })).request.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'output', schema, strict: true },
    });
  });
});

describe('reasoningEffort', () => {
  it('maps thinking budgets to effort levels', () => {
    expect(reasoningEffort(undefined, undefined)).toBeUndefined();
    expect(reasoningEffort({ type: 'disabled' }, undefined)).toBeUndefined();
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 1024 }, undefined)).toBe('low');
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 4095 }, undefined)).toBe('low');
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 4096 }, undefined)).toBe('medium');
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 16_384 }, undefined)).toBe('high');
    expect(reasoningEffort({ type: 'adaptive' }, undefined)).toBe('medium');
  });

  it('lets an explicit effort win, capping the levels OpenAI does not have', () => {
    expect(reasoningEffort({ type: 'enabled', budget_tokens: 1024 }, { effort: 'high' })).toBe('high');
    expect(reasoningEffort(undefined, { effort: 'max' })).toBe('high');
    expect(reasoningEffort(undefined, { effort: 'low' })).toBe('low');
  });
});
