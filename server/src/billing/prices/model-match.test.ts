import { describe, expect, it } from 'vitest';
import { priceKeys } from './model-match';

describe('priceKeys', () => {
  it('tries the id, then the base id without its date', () => {
    expect(priceKeys('gpt-4o-mini-2024-07-18')).toEqual(['gpt-4o-mini-2024-07-18', 'gpt-4o-mini-2024-07', 'gpt-4o-mini-2024', 'gpt-4o-mini']);
    expect(priceKeys('claude-sonnet-4-5-20250929')).toEqual(['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 'claude-sonnet-4', 'claude-sonnet']);
  });

  it('never matches a different model by prefix', () => {
    expect(priceKeys('o3-pro')).toEqual(['o3-pro']);
    expect(priceKeys('gpt-4o-audio-preview')).toEqual(['gpt-4o-audio-preview', 'gpt-4o-audio']);
    expect(priceKeys('gpt-4o-mini')).toEqual(['gpt-4o-mini']);
  });

  it('strips a Bedrock geography prefix, and the version after it', () => {
    const keys = priceKeys('us.anthropic.claude-3-haiku-20240307-v1:0');
    expect(keys.slice(0, 2)).toEqual(['us.anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0']);
    expect(keys).toContain('anthropic.claude-3-haiku');
  });

  it('handles versions after @ and :, and previews', () => {
    expect(priceKeys('claude-sonnet-4@20250514')).toEqual(['claude-sonnet-4@20250514', 'claude-sonnet-4', 'claude-sonnet']);
    expect(priceKeys('gemini-3-flash-preview')).toContain('gemini-3-flash');
    expect(priceKeys('mock-chat')).toEqual(['mock-chat']);
  });
});
