import { describe, expect, it } from 'vitest';
import { defaultSettings, mergeSettings } from './settings';

describe('billing settings', () => {
  it('default to pay-your-own-keys with the token-rates rule', () => {
    expect(defaultSettings()).toMatchObject({
      mode: 'byok',
      rule: { plugin: 'token-rates', settings: {} },
      creditsPerUsd: '1',
      unpriced: 'block',
      signup: { open: false, starterCredits: 0, starterExpiresDays: null },
      publicModels: false,
    });
  });
  it('merge a patch one level deep and validate it', () => {
    const merged = mergeSettings(defaultSettings(), { mode: 'credits', signup: { open: true } });
    expect(merged.ok && merged.value).toMatchObject({ mode: 'credits', signup: { open: true, starterCredits: 0 } });
    expect(mergeSettings(defaultSettings(), { mode: 'free' }).ok).toBe(false);
    expect(mergeSettings(defaultSettings(), { creditsPerUsd: '1.5e3' }).ok).toBe(false);
    expect(mergeSettings(defaultSettings(), { surprise: true }).ok).toBe(false);
  });
  it('replace the rule whole, so old rule settings do not leak into a new rule', () => {
    const a = mergeSettings(defaultSettings(), { rule: { plugin: 'volume-tiers', settings: { tiers: [] } } });
    const b = a.ok && mergeSettings(a.value, { rule: { plugin: 'token-rates' } });
    expect(b && b.ok && b.value.rule).toEqual({ plugin: 'token-rates', settings: {} });
  });
});
