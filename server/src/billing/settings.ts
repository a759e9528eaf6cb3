import type { Db } from '../db/connect';
import { validateSettings } from '../catalog/settings-validator';

/** Billing's settings: one JSON document in billing_settings, cached in memory. */
export interface BillingSettings {
  /** `byok`: pay your own keys, cost is tracked and nobody is charged. `credits`: payers hold balances. */
  mode: 'byok' | 'credits';
  /** The active billing rule: a billing plugin's id and its settings. */
  rule: { plugin: string; settings: Record<string, unknown> };
  /** Added to the provider's cost for prices without a custom rate, in basis points (2000 = 20%). */
  defaultMarkupBp: number;
  /** How many credits one US dollar of provider cost is worth, as a decimal string. */
  creditsPerUsd: string;
  /** Credits mode: a model with no price is refused (`block`) or free (`free`). */
  unpriced: 'block' | 'free';
  /** Reserved output for a request that sets no max_tokens on a model whose price gives no limit. */
  defaultMaxOutputTokens: number;
  /** How long a reservation may stay open before reconciliation releases it. */
  holdTtlSeconds: number;
  /** How often reconciliation runs (and settings, prices and budgets are re-read from the database). */
  reconcileIntervalSeconds: number;
  /** Self-service sign-up: credits granted to each new user. */
  signup: { open: boolean; starterCredits: number; starterExpiresDays: number | null };
  /** GET /api/public/models answers without authentication. */
  publicModels: boolean;
  /**
   * Credit leases (ledger/leases.ts): each instance reserves from credit it took in advance, in
   * memory, and writes charges after the answer. Off: every request holds and settles in the
   * database before its answer (exact balances at every moment, slower).
   */
  leases: { enabled: boolean; size: number; idleSeconds: number };
}

export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: { enum: ['byok', 'credits'], default: 'byok', title: 'Billing mode' },
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['plugin'],
      properties: { plugin: { type: 'string', minLength: 1 }, settings: { type: 'object', default: {} } },
      default: { plugin: 'token-rates', settings: {} },
    },
    defaultMarkupBp: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
    creditsPerUsd: { type: 'string', pattern: '^\\d+(\\.\\d{1,6})?$', default: '1' },
    unpriced: { enum: ['block', 'free'], default: 'block' },
    defaultMaxOutputTokens: { type: 'integer', minimum: 1, maximum: 10_000_000, default: 4096 },
    holdTtlSeconds: { type: 'integer', minimum: 1, maximum: 7 * 86_400, default: 3600 },
    reconcileIntervalSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 60 },
    signup: {
      type: 'object',
      additionalProperties: false,
      properties: {
        open: { type: 'boolean', default: false },
        starterCredits: { type: 'integer', minimum: 0, default: 0 },
        starterExpiresDays: { type: ['integer', 'null'], minimum: 1, default: null },
      },
      default: {},
    },
    publicModels: { type: 'boolean', default: false },
    leases: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', default: false },
        size: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, default: 10_000_000 },
        idleSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 60 },
      },
      default: {},
    },
  },
} as const;

export function defaultSettings(): BillingSettings {
  const v = validateSettings(settingsSchema, {});
  return v.ok ? (v.value as unknown as BillingSettings) : (undefined as never);
}

/** Merges a patch into settings (one level deep for objects) and validates the result. */
export function mergeSettings(current: BillingSettings, patch: Record<string, unknown>): { ok: true; value: BillingSettings } | { ok: false; errors: string[] } {
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    const old = merged[k];
    merged[k] = v && typeof v === 'object' && !Array.isArray(v) && old && typeof old === 'object' && k !== 'rule' ? { ...(old as object), ...(v as object) } : v;
  }
  const checked = validateSettings(settingsSchema, merged);
  return checked.ok ? { ok: true, value: checked.value as unknown as BillingSettings } : checked;
}

const KEY = 'settings';

export class SettingsStore {
  private value: BillingSettings = defaultSettings();

  constructor(private readonly db: Db) {}

  get current(): BillingSettings {
    return this.value;
  }

  /** Re-reads the stored document; values that no longer validate fall back to the defaults. */
  async load(): Promise<BillingSettings> {
    const row = await this.db('billing_settings').where({ key: KEY }).first();
    const stored = row ? (JSON.parse(row.value) as Record<string, unknown>) : {};
    const merged = mergeSettings(defaultSettings(), stored);
    this.value = merged.ok ? merged.value : defaultSettings();
    return this.value;
  }

  async save(next: BillingSettings): Promise<void> {
    const row = { key: KEY, value: JSON.stringify(next), updated_at: Date.now() };
    await this.db('billing_settings').insert(row).onConflict('key').merge(['value', 'updated_at']);
    this.value = next;
  }
}
