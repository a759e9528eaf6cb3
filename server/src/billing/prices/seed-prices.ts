import type { PriceCard } from '@switchyard/spec';
import { decimalToMicros } from '../money';
import { LIST_PRICES, LIST_PRICES_DATE, type ListPrice } from './list-prices';
import type { PriceInput, PriceRepo } from './price-repo';

/** A list price (dollar strings) as a cost card in integer micro-USD. */
export function listPriceCard(p: ListPrice): PriceCard {
  const m = (v: string | undefined) => (v === undefined ? undefined : decimalToMicros(v));
  const card: PriceCard = {};
  const put = (key: 'inputPer1M' | 'outputPer1M' | 'cachedInputPer1M' | 'cacheWritePer1M' | 'embeddingPer1M', v: string | undefined) => {
    if (v !== undefined) card[key] = m(v);
  };
  put('inputPer1M', p.input);
  put('outputPer1M', p.output);
  put('cachedInputPer1M', p.cachedInput);
  put('cacheWritePer1M', p.cacheWrite);
  put('embeddingPer1M', p.embedding);
  if (p.perImage) card.perImage = Object.fromEntries(Object.entries(p.perImage).map(([k, v]) => [k, decimalToMicros(v)]));
  if (p.longContext) {
    const { promptTokens, input, output, cachedInput, cacheWrite } = p.longContext;
    card.longContext = { promptTokens };
    if (input) card.longContext.inputPer1M = decimalToMicros(input);
    if (output) card.longContext.outputPer1M = decimalToMicros(output);
    if (cachedInput) card.longContext.cachedInputPer1M = decimalToMicros(cachedInput);
    if (cacheWrite) card.longContext.cacheWritePer1M = decimalToMicros(cacheWrite);
  }
  return card;
}

export function listPriceInput(p: ListPrice): PriceInput {
  return {
    scope: 'plugin',
    scopeId: p.plugin,
    model: p.model,
    cost: listPriceCard(p),
    pricing: 'markup',
    markupBp: null,
    custom: null,
    defaultMaxOutput: p.maxOutput ?? null,
    enabled: true,
    source: 'seed',
    listDate: LIST_PRICES_DATE,
  };
}

/** Files every list price that has no price yet. Edited or deleted-and-recreated prices are left alone. */
export async function seedListPrices(repo: PriceRepo): Promise<number> {
  const existing = new Set((await repo.list()).map((p) => `${p.scope}:${p.scopeId}:${p.model}`));
  let added = 0;
  for (const p of LIST_PRICES) {
    if (existing.has(`plugin:${p.plugin}:${p.model}`)) continue;
    if (await repo.seed(listPriceInput(p))) added++;
  }
  return added;
}
