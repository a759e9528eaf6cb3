import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@switchyard/plugin-kit';
import { convertMessages } from './convert-messages';
import { gatewayFailure } from '../test/gateway-error';

describe('convertMessages', () => {
  it('moves system and developer messages, wherever they are, into system', () => {
    const out = convertMessages([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Hi' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
    ]);
    expect(out.system).toEqual([
      { type: 'text', text: 'Be terse.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('keeps a multi-turn history and merges consecutive same-role messages', () => {
    const out = convertMessages([
      { role: 'user', content: 'one' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'three' },
      { role: 'assistant', content: [{ type: 'text', text: 'four' }] },
      { role: 'user', content: 'five' },
    ]);
    expect(out.system).toBeUndefined();
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'three' }, { type: 'text', text: 'four' }] },
      { role: 'user', content: [{ type: 'text', text: 'five' }] },
    ]);
  });

  it('turns tool calls into tool_use blocks and consecutive tool results into one user turn, results first', () => {
    const history: ChatMessage[] = [
      { role: 'user', content: 'Weather and time in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '14:00' }] },
      { role: 'user', content: 'Thanks!' },
    ];
    expect(convertMessages(history).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: '14:00' }] },
          { type: 'text', text: 'Thanks!' },
        ],
      },
    ]);
  });

  it('puts tool results before user text that came first in the same turn', () => {
    const out = convertMessages([
      { role: 'assistant', content: 'calling', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
      { role: 'user', content: 'by the way' },
      { role: 'tool', tool_call_id: 'c', content: 'done' },
    ]);
    expect(out.messages[1].content).toEqual([
      { type: 'tool_result', tool_use_id: 'c', content: 'done' },
      { type: 'text', text: 'by the way' },
    ]);
    expect(out.messages[0].content).toEqual([
      { type: 'text', text: 'calling' },
      { type: 'tool_use', id: 'c', name: 'f', input: {} },
    ]);
  });

  it('converts user images and drops empty text', () => {
    const out = convertMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: '' },
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.gif', detail: 'high' } },
        ],
      },
    ]);
    expect(out.messages[0].content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklGRg==' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/a.gif' } },
    ]);
  });

  it('drops messages left empty instead of sending empty turns', () => {
    const out = convertMessages([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'b' },
    ]);
    expect(out.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]);
  });

  it('refuses what Anthropic cannot take, naming the offending field', async () => {
    expect((await gatewayFailure(() => convertMessages([]))).param).toBe('messages');
    expect((await gatewayFailure(() => convertMessages([{ role: 'system', content: 'only a system prompt' }]))).param).toBe('messages');
    const audio = await gatewayFailure(() => convertMessages([{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }]));
    expect(audio.status).toBe(400);
    expect(audio.param).toBe('messages[0].content[0].input_audio');
    const args = await gatewayFailure(() =>
      convertMessages([
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{not json' } }] },
      ]),
    );
    expect(args.param).toBe('messages[1].tool_calls[0].function.arguments');
    const arrayArgs = await gatewayFailure(() => convertMessages([{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1]' } }] }]));
    expect(arrayArgs.code).toBe('invalid_tool_arguments');
    const role = await gatewayFailure(() => convertMessages([{ role: 'function', content: 'x' } as unknown as ChatMessage]));
    expect(role.param).toBe('messages[0].role');
  });
});
