import type { PriceCard } from '@switchyard/spec';
import type { Catalog } from '../catalog/catalog';
import type { ModelRecord } from '../repos/models';
import { microsToDecimal } from './money';
import type { ResolvedPrice } from './prices/price-book';

/**
 * A model's price as clients see it, in credits (decimal strings, so nothing is lost): per
 * million tokens, or per image. Extra fields on OpenAI's model object, which allows them.
 */
export interface PricingView {
  currency: 'credits';
  input_per_1m?: string;
  output_per_1m?: string;
  cached_input_per_1m?: string;
  cache_write_per_1m?: string;
  embedding_per_1m?: string;
  per_image?: Record<string, string>;
  long_context?: { above_prompt_tokens: number; input_per_1m?: string; output_per_1m?: string; cached_input_per_1m?: string; cache_write_per_1m?: string };
  max_output_tokens: number;
}

const d = (v: number | undefined) => (v === undefined ? undefined : microsToDecimal(v));

function rates(card: Omit<PriceCard, 'perImage' | 'longContext'>) {
  const out: Record<string, string> = {};
  const put = (k: string, v: number | undefined) => {
    if (v !== undefined) out[k] = d(v)!;
  };
  put('input_per_1m', card.inputPer1M);
  put('output_per_1m', card.outputPer1M);
  put('cached_input_per_1m', card.cachedInputPer1M);
  put('cache_write_per_1m', card.cacheWritePer1M);
  put('embedding_per_1m', card.embeddingPer1M);
  return out;
}

export function pricingView(p: ResolvedPrice): PricingView {
  const card = p.price;
  const view: PricingView = { currency: 'credits', ...rates(card), max_output_tokens: p.maxOutputTokens };
  if (card.perImage) view.per_image = Object.fromEntries(Object.entries(card.perImage).map(([k, v]) => [k, d(v)!]));
  if (card.longContext) {
    const { promptTokens, ...rest } = card.longContext;
    view.long_context = { above_prompt_tokens: promptTokens, ...rates(rest) };
  }
  return view;
}

/** What /v1/models and the public model list add to each model: capabilities and price. */
export function modelExtras(catalog: Catalog, priceFor: (providerId: string, upstreamModel: string) => ResolvedPrice | undefined, m: ModelRecord): { capabilities: string[]; pricing: PricingView | null } {
  const route = catalog.resolve(m.id);
  const price = route ? priceFor(route.provider.record.id, route.upstreamModel) : undefined;
  return { capabilities: m.capabilities, pricing: price ? pricingView(price) : null };
}
