import { describe, expect, it } from 'vitest';
import { toOpenAIUsage } from './usage';

describe('toOpenAIUsage', () => {
  it('counts cached tokens inside prompt_tokens (Bedrock reports them apart) and details them', () => {
    expect(toOpenAIUsage({ inputTokens: 10, outputTokens: 5, totalTokens: 95, cacheReadInputTokens: 60, cacheWriteInputTokens: 20 })).toEqual({
      prompt_tokens: 90,
      completion_tokens: 5,
      total_tokens: 95,
      prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 20 },
    });
  });

  it('reports zero cached tokens when there were none, and nothing when Bedrock sent no usage', () => {
    expect(toOpenAIUsage({ inputTokens: 22, outputTokens: 55, totalTokens: 77 })).toEqual({ prompt_tokens: 22, completion_tokens: 55, total_tokens: 77, prompt_tokens_details: { cached_tokens: 0 } });
    expect(toOpenAIUsage(undefined)).toBeUndefined();
  });
});
