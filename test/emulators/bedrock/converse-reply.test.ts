import { describe, expect, it } from 'vitest';
import { bedrockUsage, converseStreamMessages, echoReply, words } from './converse-reply';

describe('converse replies', () => {
  it('renders usage with the cached part outside inputTokens, as Bedrock does', () => {
    expect(bedrockUsage({ input: 100, output: 5, cachedInput: 60, cacheWrite: 10 })).toEqual({ inputTokens: 30, outputTokens: 5, totalTokens: 105, cacheReadInputTokens: 60, cacheWriteInputTokens: 10 });
  });

  it('splits text into words that join back exactly', () => {
    const text = ' Hello,  wide\nworld ';
    expect(words(text).join('')).toBe(text);
    expect(words(text).length).toBe(3);
  });

  it('streams a tool call with a start event and its input in several deltas', () => {
    const messages = converseStreamMessages({ toolCalls: [{ id: 't', name: 'f', arguments: '{"a":"long value"}' }] }, { input: 1, output: 1 }, 1);
    expect(messages.map((m) => m.name)).toEqual(['messageStart', 'contentBlockStart', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']);
    const input = messages.map((m) => (m.payload as { delta?: { toolUse?: { input: string } } }).delta?.toolUse?.input ?? '').join('');
    expect(JSON.parse(input)).toEqual({ a: 'long value' });
  });

  it('echoes the last user message, tool results included', () => {
    expect(echoReply({ messages: [{ role: 'user', content: [{ text: 'first' }] }, { role: 'assistant', content: [{ text: 'x' }] }, { role: 'user', content: [{ toolResult: { toolUseId: 't', content: [{ text: 'result text' }] } }] }] }).text).toBe('result text');
  });
});
