import type { PricingView } from '../../api/billing';

/** A model the playground can call: a catalog model (with its price, when billing has one) or a pipeline's model name. */
export interface PlaygroundModel {
  id: string;
  kind: 'model' | 'pipeline';
  pricing?: PricingView | null;
}

/** Credits for a request's usage at a model's list price; undefined when there is no price to use. */
export function costOf(model: PlaygroundModel | undefined, usage: { prompt_tokens: number; completion_tokens: number } | undefined): number | undefined {
  const p = model?.pricing;
  if (!p || !usage) return undefined;
  const input = Number(p.input_per_1m ?? p.embedding_per_1m ?? 0);
  const output = Number(p.output_per_1m ?? 0);
  return (usage.prompt_tokens * input + usage.completion_tokens * output) / 1e6;
}

export function fmtCost(credits: number | undefined): string {
  if (credits === undefined) return '—';
  return credits === 0 ? '0' : credits < 0.0001 ? credits.toExponential(2) : credits.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}
