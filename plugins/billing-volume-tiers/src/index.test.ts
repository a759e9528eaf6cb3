import { describe, expect, it } from 'vitest';
import { checkPlugin } from '@switchyard/core';
import type { BillingContext, Usage } from '@switchyard/plugin-kit';
import { validateSettings } from '../../../server/src/catalog/settings-validator';
import plugin, { percentTokens, readTiers } from './index';

// 10 micro-credits per token in and out, so percentages stay readable.
const price = { inputPer1M: 10_000_000, outputPer1M: 10_000_000 };
const ctx = (tokensBefore: number): BillingContext => ({
  model: 'm',
  endpoint: 'chat',
  price,
  account: { id: 'project:p1', periodUsage: { period: '2026-11', microCredits: 0, tokens: tokensBefore, requests: 0 } },
});
const usage = (prompt: number, completion: number): Usage => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });
const tiers = [
  { fromTokens: 0, pricePercent: 100 },
  { fromTokens: 1000, pricePercent: 80 },
  { fromTokens: 5000, pricePercent: 50 },
];

describe('volume-tiers plugin', () => {
  it('has a manifest and a settings schema the host accepts', () => {
    expect(checkPlugin(plugin, '0.1.0')).toEqual([]);
    expect(validateSettings(plugin.manifest.settingsSchema, { tiers }).ok).toBe(true);
    expect(validateSettings(plugin.manifest.settingsSchema, { tiers: [] }).ok).toBe(false);
    expect(validateSettings(plugin.manifest.settingsSchema, { tiers: [{ fromTokens: 0 }] }).ok).toBe(false);
  });

  it('refuses tiers that leave tokens without a price', () => {
    expect(() => readTiers([{ fromTokens: 10, pricePercent: 100 }])).toThrow(/start at fromTokens 0/);
    expect(() => readTiers([{ fromTokens: 0, pricePercent: 100 }, { fromTokens: 0, pricePercent: 50 }])).toThrow(/two tiers/);
    expect(readTiers([tiers[2], tiers[0], tiers[1]])).toEqual(tiers);
  });

  it('splits a token range across tiers', () => {
    expect(percentTokens(tiers, 900, 200)).toBe(100n * 100n + 100n * 80n);
    expect(percentTokens(tiers, 6000, 10)).toBe(500n);
  });

  const rule = plugin.createRule({ tiers });

  it('charges each tier at its price', () => {
    expect(rule.charge({ usage: usage(50, 50) }, ctx(0))).toBe(1000);
    expect(rule.charge({ usage: usage(50, 50) }, ctx(2000))).toBe(800);
    expect(rule.charge({ usage: usage(50, 50) }, ctx(10_000))).toBe(500);
  });

  it('prices a request that crosses a boundary part in each tier', () => {
    // 200 tokens worth 2000: 100 at 100%, 100 at 80% -> 1800.
    expect(rule.charge({ usage: usage(100, 100) }, ctx(900))).toBe(1800);
  });

  it('charges images at the tier the payer is in', () => {
    const c = { ...ctx(2000), price: { perImage: { '*': 1000 } }, endpoint: 'images' as const };
    expect(rule.charge({ usage: usage(0, 0), images: { count: 1 } }, c)).toBe(800);
  });

  it('reserves at the dearest tier still reachable', () => {
    expect(rule.estimate({ promptTokens: 50, maxOutputTokens: 50 }, ctx(0))).toBe(1000);
    expect(rule.estimate({ promptTokens: 50, maxOutputTokens: 50 }, ctx(1000))).toBe(800);
    expect(rule.estimate({ promptTokens: 50, maxOutputTokens: 50 }, ctx(9000))).toBe(500);
  });
});
