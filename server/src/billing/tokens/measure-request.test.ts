import { describe, expect, it } from 'vitest';
import { familyOf, tokenizerFor } from './encoders';
import { IMAGE_INPUT_TOKENS, measureRequest } from './measure-request';

describe('familyOf', () => {
  it('picks the encoding by model family', () => {
    expect(familyOf('gpt-4o-mini')).toEqual({ encoding: 'o200k_base', marginPct: 100 });
    expect(familyOf('gpt-5.4-nano')).toEqual({ encoding: 'o200k_base', marginPct: 100 });
    expect(familyOf('o4-mini-2025-04-16').encoding).toBe('o200k_base');
    expect(familyOf('gpt-4-turbo')).toEqual({ encoding: 'cl100k_base', marginPct: 100 });
    expect(familyOf('text-embedding-3-small').encoding).toBe('cl100k_base');
    expect(familyOf('us.anthropic.claude-sonnet-4-5-20250929-v1:0').marginPct).toBe(135);
    expect(familyOf('claude-haiku-4-5').marginPct).toBe(135);
    expect(familyOf('gemini-2.5-flash').marginPct).toBe(115);
    expect(familyOf('llama3.3')).toEqual({ encoding: 'cl100k_base', marginPct: 125 });
  });
});

describe('measureRequest', async () => {
  const gpt = await tokenizerFor('gpt-4o');
  const claude = await tokenizerFor('claude-sonnet-4-5');

  it('counts chat messages with their framing, and reserves the requested output per choice', () => {
    const m = measureRequest('chat', { model: 'x', messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 50, n: 2 }, gpt, 4096);
    // 3 priming + 4 framing + 'user' (1) + 'Hello there' (2)
    expect(m).toEqual({ promptTokens: 10, maxOutputTokens: 100 });
  });

  it('uses the default output limit when the request sets none', () => {
    expect(measureRequest('chat', { model: 'x', messages: [{ role: 'user', content: 'hi' }] }, gpt, 777).maxOutputTokens).toBe(777);
    expect(measureRequest('chat', { model: 'x', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 5 }, gpt, 777).maxOutputTokens).toBe(5);
  });

  it('counts tools, tool calls and images', () => {
    const base = measureRequest('chat', { model: 'x', messages: [{ role: 'user', content: 'hi' }] }, gpt, 1).promptTokens;
    const withImage = measureRequest('chat', { model: 'x', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:...' } }] }] }, gpt, 1).promptTokens;
    expect(withImage).toBe(base + IMAGE_INPUT_TOKENS);
    const withTools = measureRequest('chat', { model: 'x', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] }, gpt, 1).promptTokens;
    expect(withTools).toBeGreaterThan(base + 5);
    const withCall = measureRequest('chat', { model: 'x', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"weather in Paris"}' } }] }] }, gpt, 1).promptTokens;
    expect(withCall).toBeGreaterThan(base + 10);
  });

  it('adds the family margin for models whose tokenizer is not public', () => {
    const req = { model: 'x', messages: [{ role: 'user' as const, content: 'The quick brown fox jumps over the lazy dog, again and again.' }] };
    const exact = measureRequest('chat', req, gpt, 1).promptTokens;
    expect(measureRequest('chat', req, claude, 1).promptTokens).toBeGreaterThan(exact);
  });

  it('counts embeddings inputs, text or token ids', () => {
    expect(measureRequest('embeddings', { model: 'x', input: 'three small words' }, gpt, 1)).toEqual({ promptTokens: 3, maxOutputTokens: 0 });
    expect(measureRequest('embeddings', { model: 'x', input: ['one', 'two words'] }, gpt, 1).promptTokens).toBe(3);
    expect(measureRequest('embeddings', { model: 'x', input: [1, 2, 3, 4] }, gpt, 1).promptTokens).toBe(4);
    expect(measureRequest('embeddings', { model: 'x', input: [[1, 2], [3]] }, gpt, 1).promptTokens).toBe(3);
  });

  it('carries image count, size and quality for image generation', () => {
    expect(measureRequest('images', { prompt: 'a red fox', n: 2, size: '1024x1024', quality: 'hd' }, gpt, 1)).toMatchObject({ maxOutputTokens: 0, images: { count: 2, size: '1024x1024', quality: 'hd' } });
  });
});
