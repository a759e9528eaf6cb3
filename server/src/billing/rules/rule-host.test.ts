import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '@switchyard/core';
import type { BillingContext, BillingPlugin } from '@switchyard/spec';
import tokenRates from '../../../../plugins/billing-token-rates/src/index';
import { RuleHost } from './rule-host';

const logs: string[] = [];
const logger = { debug() {}, info() {}, warn() {}, error: (_o: object | string, msg?: string) => void logs.push(msg ?? '') };
const ctx: BillingContext = { model: 'm', endpoint: 'chat', price: { inputPer1M: 1_000_000, outputPer1M: 1_000_000 }, account: { id: 'user:u' } };
const usage = { usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } };

const rule = (id: string, charge: () => number): BillingPlugin => ({
  manifest: { id, kind: 'billing', version: '0.1.0', hostRange: '^0.1.0', name: id },
  createRule: () => ({ estimate: charge, charge }),
});

describe('RuleHost', () => {
  const registry = new PluginRegistry('0.1.0');
  registry.register(tokenRates);
  registry.register(rule('fractional', () => 2.2));
  registry.register(rule('negative', () => -5));
  registry.register(rule('broken', () => {
    throw new Error('boom');
  }));
  const host = new RuleHost(registry, logger);

  it('rounds a fractional answer up', () => {
    expect(host.charge(host.active({ plugin: 'fractional', settings: {} }), usage, ctx)).toBe(3);
  });

  it('charges the plain price when a rule answers nonsense or throws, and says so', () => {
    logs.length = 0;
    expect(host.charge(host.active({ plugin: 'negative', settings: {} }), usage, ctx)).toBe(20);
    expect(host.estimate(host.active({ plugin: 'broken', settings: {} }), { promptTokens: 10, maxOutputTokens: 10 }, ctx)).toBe(20);
    expect(logs.join('\n')).toMatch(/invalid charge[\s\S]*threw in estimate/);
  });

  it('falls back to token rates for a rule that is not loaded, and refuses to save it', () => {
    expect(host.active({ plugin: 'missing', settings: {} }).id).toBe('token-rates');
    expect(host.check({ plugin: 'missing', settings: {} })).toEqual(["no billing plugin 'missing' is loaded"]);
    expect(host.check({ plugin: 'token-rates', settings: { minimumPerRequest: -1 } })).not.toEqual([]);
    expect(host.check({ plugin: 'token-rates', settings: {} })).toEqual([]);
  });
});
