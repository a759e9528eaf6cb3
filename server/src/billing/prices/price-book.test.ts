import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../settings';
import { PriceBook, userPrice } from './price-book';
import type { PriceRecord } from './price-repo';
import { LIST_PRICES } from './list-prices';
import { listPriceCard } from './seed-prices';

const record = (over: Partial<PriceRecord>): PriceRecord => ({
  id: 'price_1',
  scope: 'plugin',
  scopeId: 'openai',
  model: 'gpt-4o',
  cost: { inputPer1M: 2_500_000, outputPer1M: 10_000_000 },
  pricing: 'markup',
  markupBp: null,
  custom: null,
  defaultMaxOutput: 16_384,
  enabled: true,
  source: 'seed',
  listDate: '2026-11-28',
  version: 1,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

describe('userPrice', () => {
  it('is the cost with the markup and the credit rate, rounded up', () => {
    expect(userPrice(record({}), defaultSettings())).toEqual({ inputPer1M: 2_500_000, outputPer1M: 10_000_000 });
    expect(userPrice(record({ markupBp: 2000 }), defaultSettings())).toEqual({ inputPer1M: 3_000_000, outputPer1M: 12_000_000 });
    expect(userPrice(record({}), { ...defaultSettings(), defaultMarkupBp: 1, creditsPerUsd: '100' })).toEqual({ inputPer1M: 250_025_000, outputPer1M: 1_000_100_000 });
    expect(userPrice(record({ cost: { inputPer1M: 1 } , markupBp: 1 }), defaultSettings())).toEqual({ inputPer1M: 2 });
  });
  it('is the custom card when pricing is custom', () => {
    expect(userPrice(record({ pricing: 'custom', custom: { inputPer1M: 7 } }), defaultSettings())).toEqual({ inputPer1M: 7 });
  });
});

describe('PriceBook', () => {
  it('prefers the provider\'s own price, then the plugin list price, matching dated ids', () => {
    const book = new PriceBook();
    book.load(
      [
        record({}),
        record({ id: 'price_2', scope: 'provider', scopeId: 'my-azure', model: 'gpt-4o', cost: { inputPer1M: 1 }, defaultMaxOutput: null }),
        record({ id: 'price_3', model: 'gpt-4o-mini', enabled: false }),
      ],
      defaultSettings(),
    );
    expect(book.resolve('my-azure', 'openai', 'gpt-4o-2024-11-20')).toMatchObject({ priceId: 'price_2', maxOutputTokens: 4096 });
    expect(book.resolve('openai', 'openai', 'gpt-4o-2024-11-20')).toMatchObject({ priceId: 'price_1', maxOutputTokens: 16_384 });
    expect(book.resolve('openai', 'openai', 'gpt-4o-mini')).toBeUndefined();
    expect(book.resolve('x', 'anthropic', 'gpt-4o')).toBeUndefined();
  });
});

describe('list prices', () => {
  it('are all valid exact amounts, one per plugin and model', () => {
    const seen = new Set<string>();
    for (const p of LIST_PRICES) {
      const key = `${p.plugin}:${p.model}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
      const card = listPriceCard(p);
      expect(Object.keys(card).length, key).toBeGreaterThan(0);
      for (const v of [card.inputPer1M, card.outputPer1M, card.cachedInputPer1M, card.cacheWritePer1M, card.embeddingPer1M, ...Object.values(card.perImage ?? {})]) {
        if (v !== undefined) expect(Number.isSafeInteger(v) && v >= 0, key).toBe(true);
      }
    }
    expect(listPriceCard(LIST_PRICES.find((p) => p.model === 'amazon.nova-micro-v1:0')!).cachedInputPer1M).toBe(8750);
  });
  it('cover the common models of each vendor', () => {
    for (const [plugin, model] of [['openai', 'gpt-4o-mini'], ['openai', 'text-embedding-3-small'], ['openai', 'dall-e-3'], ['anthropic', 'claude-sonnet-4-5'], ['gemini', 'gemini-2.5-flash'], ['bedrock', 'amazon.nova-pro-v1:0']]) {
      expect(LIST_PRICES.some((p) => p.plugin === plugin && p.model === model), `${plugin}:${model}`).toBe(true);
    }
  });
});
