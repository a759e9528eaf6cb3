import { describe, expect, it } from 'vitest';
import { mapUsage } from './map-usage';

describe('mapUsage', () => {
  it('counts thinking tokens as completion tokens and reports them as reasoning', () => {
    // From google-text.json: 9 prompt, 28 answer, 244 thoughts, 281 total.
    expect(mapUsage({ promptTokenCount: 9, candidatesTokenCount: 28, thoughtsTokenCount: 244, totalTokenCount: 281 })).toEqual({
      prompt_tokens: 9,
      completion_tokens: 272,
      total_tokens: 281,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 244 },
    });
  });

  it('reports cached prompt tokens and adds tool-use prompt tokens to the prompt', () => {
    expect(mapUsage({ promptTokenCount: 100, cachedContentTokenCount: 60, toolUsePromptTokenCount: 5, candidatesTokenCount: 20, totalTokenCount: 125 })).toEqual({
      prompt_tokens: 105,
      completion_tokens: 20,
      total_tokens: 125,
      prompt_tokens_details: { cached_tokens: 60 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it('treats missing counts as zero (a stream event before any output)', () => {
    expect(mapUsage({ promptTokenCount: 7 })).toMatchObject({ prompt_tokens: 7, completion_tokens: 0, total_tokens: 7 });
  });
});
