import { describe, expect, it } from 'vitest';
import { checkPlugin } from '@switchyard/core';
import type { BillingContext } from '@switchyard/plugin-kit';
import plugin from './index';

const ctx: BillingContext = { model: 'm', endpoint: 'chat', price: { inputPer1M: 1_000_000, outputPer1M: 2_000_000 }, account: { id: 'user:u1' } };

describe('token-rates plugin', () => {
  it('has a manifest the host accepts', () => {
    expect(checkPlugin(plugin, '0.1.0')).toEqual([]);
    expect(plugin.manifest).toMatchObject({ id: 'token-rates', kind: 'billing', hostRange: '^0.1.0' });
  });

  it('charges usage at the card', () => {
    const rule = plugin.createRule({});
    expect(rule.charge({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }, ctx)).toBe(20);
    expect(rule.estimate({ promptTokens: 10, maxOutputTokens: 100 }, ctx)).toBe(210);
  });

  it('applies the minimum charge per request', () => {
    const rule = plugin.createRule({ minimumPerRequest: 1000 });
    expect(rule.charge({ usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }, ctx)).toBe(1000);
    expect(rule.estimate({ promptTokens: 1000, maxOutputTokens: 1000 }, ctx)).toBe(3000);
  });
});
