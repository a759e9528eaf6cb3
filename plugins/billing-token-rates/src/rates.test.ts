import { describe, expect, it } from 'vitest';
import type { PriceCard, Usage } from '@switchyard/plugin-kit';
import { imagePrice, valueOfEstimate, valueOfUsage } from './rates';

// $2.50 / $10 / $1.25 cached per million tokens, in micro-credits.
const GPT4O: PriceCard = { inputPer1M: 2_500_000, outputPer1M: 10_000_000, cachedInputPer1M: 1_250_000 };
// Claude-style card: cache writes dearer than plain input; long-context rates above 200k.
const SONNET: PriceCard = {
  inputPer1M: 3_000_000,
  outputPer1M: 15_000_000,
  cachedInputPer1M: 300_000,
  cacheWritePer1M: 3_750_000,
  longContext: { promptTokens: 200_000, inputPer1M: 6_000_000, outputPer1M: 22_500_000, cachedInputPer1M: 600_000, cacheWritePer1M: 7_500_000 },
};
const usage = (prompt: number, completion: number, cached = 0, written = 0): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached, cache_write_tokens: written },
});

describe('valueOfUsage', () => {
  it('prices prompt and output tokens exactly', () => {
    // 1000 x 2.5 + 500 x 10 = 7500 micro-credits.
    expect(valueOfUsage({ usage: usage(1000, 500) }, GPT4O, 'chat')).toBe(7500);
  });

  it('prices cached prompt tokens at the cached rate', () => {
    // 600 plain x 2.5 + 400 cached x 1.25 = 1500 + 500.
    expect(valueOfUsage({ usage: usage(1000, 0, 400) }, GPT4O, 'chat')).toBe(2000);
  });

  it('prices cache writes at their own rate, and falls back to the input rate when the card has none', () => {
    // 100 plain x 3 + 200 cached x 0.3 + 700 written x 3.75 = 300 + 60 + 2625.
    expect(valueOfUsage({ usage: usage(1000, 0, 200, 700) }, SONNET, 'chat')).toBe(2985);
    expect(valueOfUsage({ usage: usage(1000, 0, 0, 1000) }, GPT4O, 'chat')).toBe(2500);
  });

  it('rounds a fraction of a micro-credit up, never down', () => {
    // 1 token x 2.5 micro-credits = 2.5 -> 3.
    expect(valueOfUsage({ usage: usage(1, 0) }, GPT4O, 'chat')).toBe(3);
    expect(valueOfUsage({ usage: usage(0, 0) }, GPT4O, 'chat')).toBe(0);
  });

  it('switches the whole request to long-context rates above the threshold', () => {
    expect(valueOfUsage({ usage: usage(200_000, 1000) }, SONNET, 'chat')).toBe(200_000 * 3 + 1000 * 15);
    expect(valueOfUsage({ usage: usage(200_001, 1000) }, SONNET, 'chat')).toBe(200_001 * 6 + Math.ceil(1000 * 22.5));
  });

  it('prices embeddings with the embedding rate', () => {
    const card: PriceCard = { embeddingPer1M: 20_000, inputPer1M: 999_999 };
    expect(valueOfUsage({ usage: usage(1_000_000, 0) }, card, 'embeddings')).toBe(20_000);
  });

  it('stays exact where floating point would not (large counts, odd rates)', () => {
    // 123,456,789 tokens at 0.075 USD per 1M = 9.259259175 USD -> 9,259,260 micro-credits.
    expect(valueOfUsage({ usage: usage(123_456_789, 0) }, { inputPer1M: 75_000 }, 'chat')).toBe(9_259_260);
  });

  it('ignores cached counts larger than the prompt rather than going negative', () => {
    expect(valueOfUsage({ usage: usage(10, 0, 50, 50) }, GPT4O, 'chat')).toBe(13); // 10 cached x 1.25 = 12.5 -> 13
  });

  it('prices images by size and quality', () => {
    const card: PriceCard = { perImage: { '1024x1024/standard': 40_000, '1024x1024/hd': 80_000, '1792x1024/hd': 120_000 } };
    expect(valueOfUsage({ usage: usage(0, 0), images: { count: 2, size: '1024x1024', quality: 'hd' } }, card, 'images')).toBe(160_000);
  });
});

describe('imagePrice', () => {
  const card: PriceCard = { perImage: { '1024x1024/standard': 40_000, '1024x1024/*': 50_000, '*/hd': 90_000, '*': 10_000 } };
  it('looks up size/quality, then size/*, then */quality, then *', () => {
    expect(imagePrice(card, '1024x1024', 'standard')).toBe(40_000);
    expect(imagePrice(card, '1024x1024', 'low')).toBe(50_000);
    expect(imagePrice(card, '512x512', 'hd')).toBe(90_000);
    expect(imagePrice(card, '512x512', 'low')).toBe(10_000);
  });
  it('charges the highest listed price for an unlisted size when there is no fallback', () => {
    expect(imagePrice({ perImage: { '1024x1024/low': 11_000, '1024x1536/high': 250_000 } }, '4096x4096', 'high')).toBe(250_000);
    expect(imagePrice({}, '1024x1024')).toBe(0);
  });
});

describe('valueOfEstimate', () => {
  it('assumes every prompt token at the dearer of input and cache-write, plus all output', () => {
    expect(valueOfEstimate({ promptTokens: 1000, maxOutputTokens: 100 }, SONNET, 'chat')).toBe(1000 * 3.75 + 100 * 15);
    expect(valueOfEstimate({ promptTokens: 1000, maxOutputTokens: 100 }, GPT4O, 'chat')).toBe(2500 + 1000);
  });
  it('is never below the charge of any usage within the limits', () => {
    for (const [p, c, cached, written] of [[1000, 100, 0, 0], [1000, 100, 1000, 0], [1000, 100, 0, 1000], [1000, 0, 300, 300]]) {
      expect(valueOfUsage({ usage: usage(p, c, cached, written) }, SONNET, 'chat')).toBeLessThanOrEqual(valueOfEstimate({ promptTokens: 1000, maxOutputTokens: 100 }, SONNET, 'chat'));
    }
  });
});
