import type { BillableUsage, BillingContext, PriceCard } from '@switchyard/plugin-kit';

/*
 * The plain value of usage at a price card, in integer micro-credits. Rates are micro-credits per
 * million tokens, so tokens x rate is exact in BigInt and divided by a million once, rounding up:
 * a request never costs less than its exact price, and never more than one micro-credit above it.
 */

const MILLION = 1_000_000n;

type Rates = Required<Pick<PriceCard, 'inputPer1M' | 'outputPer1M' | 'cachedInputPer1M' | 'cacheWritePer1M'>>;

const big = (n: number | undefined): bigint => BigInt(Math.max(0, Math.trunc(n ?? 0)));

function ceilDiv(a: bigint, b: bigint): number {
  return Number((a + b - 1n) / b);
}

/** The per-token rates that apply to a prompt of this size (long-context rates above the threshold). */
export function ratesFor(card: PriceCard, endpoint: BillingContext['endpoint'], promptTokens: number): Rates {
  const long = card.longContext && promptTokens > card.longContext.promptTokens ? card.longContext : undefined;
  const input = endpoint === 'embeddings' ? (card.embeddingPer1M ?? card.inputPer1M ?? 0) : (long?.inputPer1M ?? card.inputPer1M ?? 0);
  return {
    inputPer1M: input,
    outputPer1M: long?.outputPer1M ?? card.outputPer1M ?? 0,
    cachedInputPer1M: long?.cachedInputPer1M ?? card.cachedInputPer1M ?? input,
    cacheWritePer1M: long?.cacheWritePer1M ?? card.cacheWritePer1M ?? input,
  };
}

/**
 * One image's price: `size/quality`, then `size/*`, then `* /quality`, then `*`. A size or quality
 * the card does not list costs the card's highest image price, so nothing is ever under-charged.
 */
export function imagePrice(card: PriceCard, size?: string, quality?: string): number {
  const table = card.perImage ?? {};
  const keys = [`${size ?? '*'}/${quality ?? '*'}`, `${size ?? '*'}/*`, `*/${quality ?? '*'}`, '*'];
  for (const k of keys) if (table[k] !== undefined) return table[k];
  const all = Object.values(table);
  return all.length ? Math.max(...all) : 0;
}

/** What a finished attempt's usage is worth at the card. */
export function valueOfUsage(input: BillableUsage, card: PriceCard, endpoint: BillingContext['endpoint']): number {
  const u = input.usage;
  const prompt = Math.max(0, u.prompt_tokens ?? 0);
  const cached = Math.min(prompt, Math.max(0, u.prompt_tokens_details?.cached_tokens ?? 0));
  const written = Math.min(prompt - cached, Math.max(0, u.prompt_tokens_details?.cache_write_tokens ?? 0));
  const plain = prompt - cached - written;
  const r = ratesFor(card, endpoint, prompt);
  let total = BigInt(plain) * big(r.inputPer1M) + BigInt(cached) * big(r.cachedInputPer1M) + BigInt(written) * big(r.cacheWritePer1M);
  total += big(u.completion_tokens) * big(r.outputPer1M);
  total += BigInt(input.images?.count ?? 0) * big(imagePrice(card, input.images?.size, input.images?.quality)) * MILLION;
  return ceilDiv(total, MILLION);
}

/**
 * The most a request can be worth: every prompt token at the dearer of the input and cache-write
 * rates (a prompt may be written to the cache), and every allowed output token.
 */
export function valueOfEstimate(input: { promptTokens: number; maxOutputTokens: number; images?: BillableUsage['images'] }, card: PriceCard, endpoint: BillingContext['endpoint']): number {
  const r = ratesFor(card, endpoint, input.promptTokens);
  const promptRate = r.cacheWritePer1M > r.inputPer1M ? r.cacheWritePer1M : r.inputPer1M;
  let total = big(input.promptTokens) * big(promptRate) + big(input.maxOutputTokens) * big(r.outputPer1M);
  total += BigInt(input.images?.count ?? 0) * big(imagePrice(card, input.images?.size, input.images?.quality)) * MILLION;
  return ceilDiv(total, MILLION);
}
