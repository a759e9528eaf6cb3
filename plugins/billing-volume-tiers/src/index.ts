import { defineBillingPlugin, HOST_VERSION, type JsonSchema } from '@switchyard/plugin-kit';
// The plain valuation is the token-rates rule's. Imported by path: workspace packages are linked
// only by `npm install`, and a plugin folder must work the moment it is dropped in.
import { valueOfEstimate, valueOfUsage } from '../../billing-token-rates/src/rates';

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tiers'],
  properties: {
    tiers: {
      type: 'array',
      minItems: 1,
      title: 'Tiers by tokens used this calendar month (UTC)',
      'x-ui': { help: 'The first tier starts at 0. pricePercent is the share of the plain price charged in that tier (100 = full price).' },
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['fromTokens', 'pricePercent'],
        properties: {
          fromTokens: { type: 'integer', minimum: 0, title: 'From (tokens this month)' },
          pricePercent: { type: 'integer', minimum: 0, maximum: 1000, title: 'Price (% of the plain price)' },
        },
      },
    },
  },
};

export interface Tier {
  fromTokens: number;
  pricePercent: number;
}

/** Checks and sorts the tiers; the first must start at 0 so every token has a price. */
export function readTiers(raw: unknown): Tier[] {
  const tiers = (Array.isArray(raw) ? (raw as Tier[]) : []).map((t) => ({ fromTokens: Number(t.fromTokens), pricePercent: Number(t.pricePercent) }));
  tiers.sort((a, b) => a.fromTokens - b.fromTokens);
  if (tiers.length === 0 || tiers[0].fromTokens !== 0) throw new Error('volume-tiers: the first tier must start at fromTokens 0');
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i].fromTokens === tiers[i - 1].fromTokens) throw new Error(`volume-tiers: two tiers start at ${tiers[i].fromTokens} tokens`);
  }
  return tiers;
}

/** Σ tokens × percent for the tokens numbered [from, from + count) this month. */
export function percentTokens(tiers: Tier[], from: number, count: number): bigint {
  let sum = 0n;
  for (let i = 0; i < tiers.length; i++) {
    const start = Math.max(from, tiers[i].fromTokens);
    const end = Math.min(from + count, i + 1 < tiers.length ? tiers[i + 1].fromTokens : Infinity);
    if (end > start) sum += BigInt(end - start) * BigInt(tiers[i].pricePercent);
  }
  return sum;
}

/** The percent of the tier that token number `at` falls in. */
function percentAt(tiers: Tier[], at: number): number {
  let pct = tiers[0].pricePercent;
  for (const t of tiers) if (t.fromTokens <= at) pct = t.pricePercent;
  return pct;
}

/**
 * A worked example of volume pricing: the payer's tokens this calendar month decide the price of
 * the next ones. A request that crosses a tier boundary is priced part in each tier.
 */
export default defineBillingPlugin({
  manifest: {
    id: 'volume-tiers',
    kind: 'billing',
    version: HOST_VERSION,
    hostRange: '^0.1.0',
    name: 'Volume tiers',
    description: 'Discounts the token rates by the payer\'s monthly token volume, e.g. full price for the first million tokens, 80% after.',
    settingsSchema,
  },
  createRule(raw) {
    const tiers = readTiers(raw.tiers);
    return {
      charge(input, ctx) {
        const full = valueOfUsage(input, ctx.price, ctx.endpoint);
        const before = ctx.account.periodUsage?.tokens ?? 0;
        const tokens = (input.usage.prompt_tokens ?? 0) + (input.usage.completion_tokens ?? 0);
        if (tokens === 0) return Math.ceil((full * percentAt(tiers, before)) / 100);
        const weighted = percentTokens(tiers, before, tokens);
        const denominator = BigInt(tokens) * 100n;
        return Number((BigInt(full) * weighted + denominator - 1n) / denominator);
      },
      estimate(input, ctx) {
        const full = valueOfEstimate(input, ctx.price, ctx.endpoint);
        const before = ctx.account.periodUsage?.tokens ?? 0;
        // Whatever the request turns out to use, no tier from here on is dearer than the dearest.
        const reachable = tiers.filter((t, i) => i + 1 >= tiers.length || tiers[i + 1].fromTokens > before);
        const worst = Math.max(...reachable.map((t) => t.pricePercent));
        return Math.ceil((full * worst) / 100);
      },
    };
  },
});
