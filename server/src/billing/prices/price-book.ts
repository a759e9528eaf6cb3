import type { PriceCard } from '@switchyard/spec';
import { decimalToMicros, scaleCard } from '../money';
import type { BillingSettings } from '../settings';
import { priceKeys } from './model-match';
import type { PriceRecord } from './price-repo';

/** The price that applies to one target: what the provider costs us, and what users pay. */
export interface ResolvedPrice {
  priceId: string;
  /** Micro-USD per unit. */
  cost: PriceCard;
  /** Micro-credits per unit: the cost with markup and the credit rate, or the custom card. */
  price: PriceCard;
  /** Output reserved when the request sets no limit. */
  maxOutputTokens: number;
}

/**
 * The in-memory price table the request path reads. Rebuilt whole from the database after every
 * change (and periodically, for changes made by another instance); lookups never do I/O.
 */
export class PriceBook {
  private byScope = new Map<string, Map<string, PriceRecord>>();
  private memo = new Map<string, ResolvedPrice | null>();
  private settings!: BillingSettings;

  load(records: PriceRecord[], settings: BillingSettings): void {
    const byScope = new Map<string, Map<string, PriceRecord>>();
    for (const r of records) {
      if (!r.enabled) continue;
      const key = `${r.scope}:${r.scopeId}`;
      if (!byScope.has(key)) byScope.set(key, new Map());
      byScope.get(key)!.set(r.model, r);
    }
    this.byScope = byScope;
    this.settings = settings;
    this.memo = new Map();
  }

  /** The price for a provider's model: the provider's own price first, then its plugin's list price. */
  resolve(providerId: string, pluginId: string, upstreamModel: string): ResolvedPrice | undefined {
    const memoKey = `${providerId}\u0000${pluginId}\u0000${upstreamModel}`;
    const hit = this.memo.get(memoKey);
    if (hit !== undefined) return hit ?? undefined;
    const record = this.find(`provider:${providerId}`, upstreamModel) ?? this.find(`plugin:${pluginId}`, upstreamModel);
    const resolved = record ? this.toResolved(record) : null;
    this.memo.set(memoKey, resolved);
    return resolved ?? undefined;
  }

  private find(scope: string, upstreamModel: string): PriceRecord | undefined {
    const models = this.byScope.get(scope);
    if (!models) return undefined;
    for (const key of priceKeys(upstreamModel)) {
      const found = models.get(key);
      if (found) return found;
    }
    return undefined;
  }

  private toResolved(r: PriceRecord): ResolvedPrice {
    return {
      priceId: r.id,
      cost: r.cost,
      price: userPrice(r, this.settings),
      maxOutputTokens: r.defaultMaxOutput ?? this.settings.defaultMaxOutputTokens,
    };
  }
}

/** What users pay for a price record under the current settings. */
export function userPrice(r: PriceRecord, settings: BillingSettings): PriceCard {
  if (r.pricing === 'custom' && r.custom) return r.custom;
  const markup = BigInt(10_000 + (r.markupBp ?? settings.defaultMarkupBp));
  const creditsPerUsd = BigInt(decimalToMicros(settings.creditsPerUsd));
  return scaleCard(r.cost, markup * creditsPerUsd, 10_000n * 1_000_000n);
}
