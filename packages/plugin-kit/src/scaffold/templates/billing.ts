import { packageJson, readme, vitestConfig, type TemplateFiles, type TemplateInput } from './common';

/** A billing rule: the list price of the tokens (or images) plus a fixed fee per request. */
export function billingTemplate(input: TemplateInput): TemplateFiles {
  return {
    'package.json': packageJson(input, `Switchyard billing rule plugin: ${input.title}`),
    'vitest.config.ts': vitestConfig,
    'src/index.ts': `import { defineBillingPlugin, defineSchema, type BillableUsage, type BillingContext, type BillingRule, type PriceCard, type SchemaValue } from '@switchyard/plugin-kit';

export const settingsSchema = defineSchema({
  type: 'object',
  additionalProperties: false,
  properties: {
    requestFee: {
      type: 'integer',
      title: 'Fee per request (micro-credits)',
      minimum: 0,
      maximum: 1_000_000_000,
      default: 0,
      'x-ui': { order: 1, help: '1 credit = 1,000,000 micro-credits. Added to every request on top of the token price.' },
    },
  },
});

export type Settings = SchemaValue<typeof settingsSchema>;

/** Micro-credits for tokens at a per-million rate, rounded up: amounts are integers, never floats. */
const perMillion = (tokens: number, rate: number | undefined) => Math.ceil((tokens * (rate ?? 0)) / 1_000_000);

function imagePrice(price: PriceCard, images: NonNullable<BillableUsage['images']>): number {
  const table = price.perImage ?? {};
  const each = table[\`\${images.size ?? '*'}/\${images.quality ?? 'standard'}\`] ?? table['*'] ?? 0;
  return images.count * each;
}

export function createRule(settings: Settings): BillingRule {
  const fee = settings.requestFee ?? 0;
  return {
    estimate(input, ctx: BillingContext) {
      if (ctx.endpoint === 'images' && input.images) return imagePrice(ctx.price, input.images) + fee;
      if (ctx.endpoint === 'embeddings') return perMillion(input.promptTokens, ctx.price.embeddingPer1M) + fee;
      return perMillion(input.promptTokens, ctx.price.inputPer1M) + perMillion(input.maxOutputTokens, ctx.price.outputPer1M) + fee;
    },
    charge(input, ctx: BillingContext) {
      if (ctx.endpoint === 'images' && input.images) return imagePrice(ctx.price, input.images) + fee;
      if (ctx.endpoint === 'embeddings') return perMillion(input.usage.prompt_tokens, ctx.price.embeddingPer1M) + fee;
      return perMillion(input.usage.prompt_tokens, ctx.price.inputPer1M) + perMillion(input.usage.completion_tokens, ctx.price.outputPer1M) + fee;
    },
  };
}

export default defineBillingPlugin({
  manifest: {
    id: '${input.name}',
    kind: 'billing',
    version: '0.1.0',
    hostRange: '${input.hostRange}',
    name: '${input.title}',
    description: 'Token list prices plus a fixed fee per request.',
    settingsSchema,
  },
  createRule: (settings) => createRule(settings as Settings),
});
`,
    'src/index.test.ts': `import { describe, expect, it } from 'vitest';
import type { BillingContext } from '@switchyard/plugin-kit';
import { createRule } from './index';

const ctx = (endpoint: BillingContext['endpoint'] = 'chat'): BillingContext => ({
  model: 'gpt-test',
  endpoint,
  price: { inputPer1M: 2_500_000, outputPer1M: 10_000_000, embeddingPer1M: 20_000, perImage: { '1024x1024/standard': 40_000 } },
  account: { id: 'acct-1' },
});

describe('${input.name} billing rule', () => {
  const rule = createRule({ requestFee: 1_000 });

  it('charges the token price plus the fee, rounded up to whole micro-credits', () => {
    // 1000 prompt tokens at 2.5 credits/M = 2500; 3 completion tokens at 10/M = 30; + 1000.
    expect(rule.charge({ usage: { prompt_tokens: 1000, completion_tokens: 3, total_tokens: 1003 } }, ctx())).toBe(3530);
    expect(rule.charge({ usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } }, ctx())).toBe(1003);
  });

  it('estimates with the most output the request allows', () => {
    expect(rule.estimate({ promptTokens: 1000, maxOutputTokens: 1000 }, ctx())).toBe(2500 + 10_000 + 1000);
  });

  it('prices embeddings and images with their own rates', () => {
    expect(rule.charge({ usage: { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 } }, ctx('embeddings'))).toBe(21_000);
    expect(rule.charge({ usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }, images: { count: 2, size: '1024x1024', quality: 'standard' } }, ctx('images'))).toBe(81_000);
  });
});
`,
    'src/gateway.test.ts': `import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPluginGateway, type PluginGateway } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pluginFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('${input.name} in a gateway', () => {
  let gw: PluginGateway;
  beforeAll(async () => {
    gw = await startPluginGateway({ plugins: [pluginFolder] });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('is offered as a billing rule, with the settings form the console draws', async () => {
    const res = await fetch(\`\${gw.url}/api/billing/settings\`, { headers: gw.auth });
    const body = (await res.json()) as { availableRules: Array<{ id: string; settingsSchema?: { properties?: Record<string, unknown> } }> };
    expect(body.availableRules.find((r) => r.id === '${input.name}')?.settingsSchema?.properties).toHaveProperty('requestFee');
  });

  it('can be made the active rule, and its settings are validated', async () => {
    const set = (settings: Record<string, unknown>) =>
      fetch(\`\${gw.url}/api/billing/settings\`, { method: 'PATCH', headers: { ...gw.auth, 'content-type': 'application/json' }, body: JSON.stringify({ rule: { plugin: '${input.name}', settings } }) });
    expect((await set({ requestFee: 500 })).status).toBe(200);
    const bad = await set({ requestFee: -1 });
    expect(bad.status).toBe(400);
  });
});
`,
    'README.md': readme(
      input,
      `A billing rule: the list price of what a request used plus a fixed fee per request. A rule turns
usage and a price card into micro-credits (integers; 1 credit = 1,000,000): \`estimate\` is the most
a request can cost (reserved before the call), \`charge\` what a finished attempt costs. Both must be
pure and fast, they run on the request path. plugins/billing-volume-tiers is a larger example
(discounts by monthly volume). Choose the active rule in the console (Billing settings) or with
\`PATCH /api/billing/settings {"rule": {"plugin": "${input.name}", "settings": {...}}}\`.`,
    ),
  };
}
