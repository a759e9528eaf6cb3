import { describe, expect, it } from 'vitest';
import { checkPlugin } from '@switchyard/core';
import type { BillingContext, PeriodUsage, Usage } from '@switchyard/plugin-kit';
import { validateSettings } from '../../../server/src/catalog/settings-validator';
import plugin from './index';

// 1 micro-credit per input token, 2 per output token.
const price = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 };
const ctx = (used?: Partial<PeriodUsage>): BillingContext => ({
  model: 'm',
  endpoint: 'chat',
  price,
  account: { id: 'user:u1', periodUsage: used && { period: '2026-11', microCredits: 0, tokens: 0, requests: 0, ...used } },
});
const usage = (prompt: number, completion: number): Usage => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion });

describe('free-allowance plugin', () => {
  it('has a manifest and a settings schema the host accepts', () => {
    expect(checkPlugin(plugin, '0.1.0')).toEqual([]);
    expect(validateSettings(plugin.manifest.settingsSchema, { amount: 5 })).toEqual({ ok: true, value: { amount: 5, unit: 'micro-credits' } });
    expect(validateSettings(plugin.manifest.settingsSchema, { amount: -1 }).ok).toBe(false);
    expect(validateSettings(plugin.manifest.settingsSchema, {}).ok).toBe(false);
  });

  describe('allowance in micro-credits', () => {
    const rule = plugin.createRule({ unit: 'micro-credits', amount: 1000 });

    it('is free while the allowance lasts', () => {
      expect(rule.charge({ usage: usage(100, 100) }, ctx({ microCredits: 0 }))).toBe(0);
      expect(rule.charge({ usage: usage(100, 100) }, ctx({ microCredits: 700 }))).toBe(0); // 300 left, costs 300
    });

    it('charges the part past the allowance', () => {
      expect(rule.charge({ usage: usage(100, 100) }, ctx({ microCredits: 900 }))).toBe(200);
      expect(rule.charge({ usage: usage(100, 100) }, ctx({ microCredits: 5000 }))).toBe(300);
    });

    it('treats a payer with no history this month as having the whole allowance', () => {
      expect(rule.charge({ usage: usage(1000, 100) }, ctx())).toBe(200);
    });

    it('reserves only what the allowance does not cover', () => {
      expect(rule.estimate({ promptTokens: 100, maxOutputTokens: 1000 }, ctx({ microCredits: 500 }))).toBe(2100 - 500);
      expect(rule.estimate({ promptTokens: 10, maxOutputTokens: 10 }, ctx({ microCredits: 0 }))).toBe(0);
    });
  });

  describe('allowance in tokens', () => {
    const rule = plugin.createRule({ unit: 'tokens', amount: 1000 });

    it('charges the share of the request past the free tokens', () => {
      // 200 tokens worth 300; 100 of them free -> half the value.
      expect(rule.charge({ usage: usage(100, 100) }, ctx({ tokens: 900 }))).toBe(150);
      expect(rule.charge({ usage: usage(100, 100) }, ctx({ tokens: 800 }))).toBe(0);
      expect(rule.charge({ usage: usage(100, 100) }, ctx({ tokens: 2000 }))).toBe(300);
    });

    it('never estimates below the charge of usage within the limits', () => {
      const c = ctx({ tokens: 950 });
      const est = rule.estimate({ promptTokens: 100, maxOutputTokens: 100 }, c);
      for (const [p, o] of [[100, 100], [100, 0], [0, 100], [50, 100]]) expect(rule.charge({ usage: usage(p, o) }, c)).toBeLessThanOrEqual(est);
    });
  });
});
