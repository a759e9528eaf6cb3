import { describe, expect, it } from 'vitest';
import { mapUsage, mergeUsage } from './map-usage';

describe('mapUsage', () => {
  it('counts cache reads and writes into prompt_tokens and breaks them out', () => {
    expect(mapUsage({ input_tokens: 50, cache_read_input_tokens: 30, cache_creation_input_tokens: 20, output_tokens: 7 })).toEqual({
      prompt_tokens: 100,
      completion_tokens: 7,
      total_tokens: 107,
      prompt_tokens_details: { cached_tokens: 30, cache_write_tokens: 20 },
    });
  });

  it('treats missing or null counts as zero', () => {
    expect(mapUsage({ input_tokens: 12, output_tokens: 3, cache_read_input_tokens: null })).toEqual({
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    });
    expect(mapUsage({}).total_tokens).toBe(0);
  });

  it('reports thinking tokens as reasoning tokens when Anthropic gives them', () => {
    expect(mapUsage({ input_tokens: 1, output_tokens: 40, output_tokens_details: { thinking_tokens: 25 } }).completion_tokens_details).toEqual({ reasoning_tokens: 25 });
  });
});

describe('mergeUsage', () => {
  it('keeps message_start input counts and takes the cumulative output from message_delta', () => {
    const start = { input_tokens: 849, cache_read_input_tokens: 5, cache_creation_input_tokens: 0, output_tokens: 10 };
    const merged = mergeUsage(start, { output_tokens: 47, input_tokens: null, cache_read_input_tokens: null });
    expect(merged).toEqual({ input_tokens: 849, cache_read_input_tokens: 5, cache_creation_input_tokens: 0, output_tokens: 47 });
  });

  it('lets later non-null input counts win, and ignores a missing update', () => {
    expect(mergeUsage({ input_tokens: 1, output_tokens: 1 }, { input_tokens: 18, output_tokens: 5 })).toEqual({ input_tokens: 18, output_tokens: 5 });
    expect(mergeUsage({ input_tokens: 2 }, undefined)).toEqual({ input_tokens: 2 });
  });
});
