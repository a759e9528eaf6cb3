import { defineBillingPlugin, HOST_VERSION, type BillingContext, type JsonSchema } from '@switchyard/plugin-kit';
// The plain valuation is the token-rates rule's. Imported by path: workspace packages are linked
// only by `npm install`, and a plugin folder must work the moment it is dropped in.
import { ratesFor, valueOfEstimate, valueOfUsage } from '../../billing-token-rates/src/rates';

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['amount'],
  properties: {
    unit: {
      enum: ['micro-credits', 'tokens'],
      default: 'micro-credits',
      title: 'Allowance unit',
      'x-ui': { help: 'micro-credits: usage worth this much at the plain price is free; tokens: this many tokens are free.' },
    },
    amount: { type: 'integer', minimum: 0, title: 'Free each calendar month (UTC), per payer', 'x-ui': { help: '1 credit = 1,000,000 micro-credits.' } },
  },
};

interface Settings {
  unit: 'micro-credits' | 'tokens';
  amount: number;
}

/** How much of the allowance is left before this request. */
function left(settings: Settings, ctx: BillingContext): number {
  const used = ctx.account.periodUsage;
  const spent = settings.unit === 'tokens' ? (used?.tokens ?? 0) : (used?.microCredits ?? 0);
  return Math.max(0, settings.amount - spent);
}

/**
 * A worked example of a rule with memory: each payer gets a free allowance per calendar month
 * (worth N micro-credits at the plain price, or N tokens); past it, usage is charged at the
 * token rates. The host passes the month's usage so far (`ctx.account.periodUsage`), read under
 * the payer's lock when settling, so two concurrent requests cannot both spend the same allowance.
 */
export default defineBillingPlugin({
  manifest: {
    id: 'free-allowance',
    kind: 'billing',
    version: HOST_VERSION,
    hostRange: '^0.1.0',
    name: 'Free monthly allowance',
    description: 'Each payer gets a free allowance every calendar month (in micro-credits of usage or in tokens); beyond it, token rates apply.',
    settingsSchema,
  },
  createRule(raw) {
    const settings: Settings = { unit: raw.unit === 'tokens' ? 'tokens' : 'micro-credits', amount: Number(raw.amount ?? 0) };
    return {
      charge(input, ctx) {
        const full = valueOfUsage(input, ctx.price, ctx.endpoint);
        const free = left(settings, ctx);
        if (settings.unit === 'micro-credits') return Math.max(0, full - free);
        const tokens = (input.usage.prompt_tokens ?? 0) + (input.usage.completion_tokens ?? 0);
        if (tokens === 0) return full;
        const billable = tokens - Math.min(tokens, free);
        // The share of the request's value that falls past the allowance, rounded up.
        return Number((BigInt(full) * BigInt(billable) + BigInt(tokens) - 1n) / BigInt(tokens));
      },
      estimate(input, ctx) {
        const full = valueOfEstimate(input, ctx.price, ctx.endpoint);
        const free = left(settings, ctx);
        if (settings.unit === 'micro-credits') return Math.max(0, full - free);
        // Free tokens are worth at least the cheapest rate that could apply to them.
        const r = ratesFor(ctx.price, ctx.endpoint, input.promptTokens);
        const cheapest = Math.min(r.inputPer1M, r.cachedInputPer1M, r.outputPer1M || r.inputPer1M);
        return Math.max(0, full - Math.floor((free * cheapest) / 1_000_000));
      },
    };
  },
});
