/* Shapes of /api/billing (server/src/billing, http/admin/billing-routes.ts). Money is integer micro-units. */

export interface PriceCard {
  inputPer1M?: number;
  outputPer1M?: number;
  cachedInputPer1M?: number;
  cacheWritePer1M?: number;
  embeddingPer1M?: number;
  perImage?: Record<string, number>;
  longContext?: { promptTokens: number; inputPer1M?: number; outputPer1M?: number; cachedInputPer1M?: number; cacheWritePer1M?: number };
}

export interface PriceRecord {
  id: string;
  scope: 'provider' | 'plugin';
  scopeId: string;
  model: string;
  /** Micro-USD per unit. */
  cost: PriceCard;
  pricing: 'markup' | 'custom';
  markupBp: number | null;
  /** Micro-credits per unit. */
  custom: PriceCard | null;
  defaultMaxOutput: number | null;
  enabled: boolean;
  source: 'seed' | 'api';
  listDate: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** What users pay, in micro-credits per unit (cost with markup, or the custom card). */
  price: PriceCard;
}

export interface BillingSettings {
  mode: 'byok' | 'credits';
  defaultMarkupBp: number;
  creditsPerUsd: string;
  unpriced: 'block' | 'free';
  defaultMaxOutputTokens: number;
  rule: { plugin: string; settings: Record<string, unknown> };
  availableRules?: unknown[];
  paymentProviders?: unknown[];
}

export interface AccountView {
  id: string;
  kind: string;
  ownerId: string;
  balance: number;
  creditLimit: number;
  held: number;
  createdAt: number;
  updatedAt: number;
}

export interface LedgerEntry {
  id: string;
  kind: string;
  accountId: string | null;
  requestId: string | null;
  memo: string | null;
  createdBy: string | null;
  createdAt: number;
  lines: Array<{ account: string; amount: number }>;
}

export interface BudgetView {
  id: string;
  scope: 'key' | 'user' | 'project';
  scopeId: string;
  period: 'day' | 'week' | 'month';
  softLimit: number | null;
  hardLimit: number | null;
  window: string;
  spent: number;
  createdAt: number;
  updatedAt: number;
}

/** `pricing` on /v1/models entries: decimal strings of credits. */
export interface PricingView {
  currency: 'credits';
  input_per_1m?: string;
  output_per_1m?: string;
  cached_input_per_1m?: string;
  embedding_per_1m?: string;
  per_image?: Record<string, string>;
  max_output_tokens: number;
}

export interface V1Model {
  id: string;
  owned_by: string;
  capabilities?: string[];
  pricing?: PricingView | null;
}

/** Micro-units per 1M tokens as a plain decimal per 1M ("2.5"). */
export const perMillion = (micros: number | undefined) => (micros === undefined ? '' : String(micros / 1e6));
