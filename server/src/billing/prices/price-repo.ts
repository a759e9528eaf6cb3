import type { PriceCard } from '@switchyard/spec';
import type { Db } from '../../db/connect';
import { newId, parseJson } from '../../repos/ids';

export type PriceScope = 'provider' | 'plugin';

/** A model's price: the provider's cost (micro-USD) and what users pay (markup or a custom card). */
export interface PriceRecord {
  id: string;
  /** `provider`: `scopeId` is a configured provider's id; `plugin`: a provider plugin's id. */
  scope: PriceScope;
  scopeId: string;
  /** The upstream model id (dated variants match their base id). */
  model: string;
  cost: PriceCard;
  pricing: 'markup' | 'custom';
  /** Markup over cost in basis points; null means the default markup setting. */
  markupBp: number | null;
  /** Custom price in micro-credits, when pricing is `custom`. */
  custom: PriceCard | null;
  /** Output reserved when a request sets no max_tokens; null means the default setting. */
  defaultMaxOutput: number | null;
  enabled: boolean;
  source: 'seed' | 'api';
  listDate: string | null;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export type PriceInput = Omit<PriceRecord, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

export interface PriceHistoryEntry {
  priceId: string;
  version: number;
  action: 'create' | 'update' | 'delete';
  snapshot: PriceRecord;
  changedBy: string | null;
  changedAt: number;
}

interface Row {
  id: string;
  scope: PriceScope;
  scope_id: string;
  model: string;
  cost: string;
  pricing: 'markup' | 'custom';
  markup_bp: number | null;
  custom: string | null;
  default_max_output: number | null;
  enabled: number | boolean;
  source: 'seed' | 'api';
  list_date: string | null;
  version: number;
  created_at: number;
  updated_at: number;
}

const toRecord = (r: Row): PriceRecord => ({
  id: r.id,
  scope: r.scope,
  scopeId: r.scope_id,
  model: r.model,
  cost: parseJson(r.cost, {}),
  pricing: r.pricing,
  markupBp: r.markup_bp === null ? null : Number(r.markup_bp),
  custom: parseJson(r.custom, null),
  defaultMaxOutput: r.default_max_output === null ? null : Number(r.default_max_output),
  enabled: Boolean(r.enabled),
  source: r.source,
  listDate: r.list_date,
  version: Number(r.version),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toRow = (p: PriceInput) => ({
  scope: p.scope,
  scope_id: p.scopeId,
  model: p.model,
  cost: JSON.stringify(p.cost),
  pricing: p.pricing,
  markup_bp: p.markupBp,
  custom: p.custom ? JSON.stringify(p.custom) : null,
  default_max_output: p.defaultMaxOutput,
  enabled: p.enabled,
  source: p.source,
  list_date: p.listDate,
});

/** The price table, with every change kept in billing_price_history. */
export class PriceRepo {
  constructor(private readonly db: Db) {}

  async list(): Promise<PriceRecord[]> {
    return (await this.db<Row>('billing_prices').orderBy(['scope', 'scope_id', 'model'])).map(toRecord);
  }

  async get(id: string): Promise<PriceRecord | undefined> {
    const row = await this.db<Row>('billing_prices').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  async find(scope: PriceScope, scopeId: string, model: string): Promise<PriceRecord | undefined> {
    const row = await this.db<Row>('billing_prices').where({ scope, scope_id: scopeId, model }).first();
    return row ? toRecord(row) : undefined;
  }

  async create(input: PriceInput, changedBy: string | null): Promise<PriceRecord> {
    const now = Date.now();
    const id = newId('price');
    return this.db.transaction(async (trx) => {
      await trx('billing_prices').insert({ id, ...toRow(input), version: 1, created_at: now, updated_at: now });
      const saved = toRecord((await trx<Row>('billing_prices').where({ id }).first())!);
      await this.remember(trx, saved, 'create', changedBy, now);
      return saved;
    });
  }

  /** Seeds a list price unless one is already filed for that model; true when it was added. */
  async seed(input: PriceInput): Promise<boolean> {
    const now = Date.now();
    const id = newId('price');
    return this.db.transaction(async (trx) => {
      // Several instances may start at once: the unique key decides, nobody fails.
      await trx('billing_prices')
        .insert({ id, ...toRow(input), version: 1, created_at: now, updated_at: now })
        .onConflict(['scope', 'scope_id', 'model'])
        .ignore();
      const row = await trx<Row>('billing_prices').where({ id }).first();
      if (!row) return false;
      await this.remember(trx, toRecord(row), 'create', 'seed', now);
      return true;
    });
  }

  async update(id: string, patch: Partial<PriceInput>, changedBy: string | null): Promise<PriceRecord | undefined> {
    const now = Date.now();
    return this.db.transaction(async (trx) => {
      const current = await trx<Row>('billing_prices').where({ id }).first();
      if (!current) return undefined;
      const merged: PriceInput = { ...toRecord(current), ...patch, source: 'api' };
      await trx('billing_prices')
        .where({ id })
        .update({ ...toRow(merged), version: Number(current.version) + 1, updated_at: now });
      const saved = toRecord((await trx<Row>('billing_prices').where({ id }).first())!);
      await this.remember(trx, saved, 'update', changedBy, now);
      return saved;
    });
  }

  async remove(id: string, changedBy: string | null): Promise<boolean> {
    const now = Date.now();
    return this.db.transaction(async (trx) => {
      const current = await trx<Row>('billing_prices').where({ id }).first();
      if (!current) return false;
      await trx('billing_prices').where({ id }).delete();
      await this.remember(trx, { ...toRecord(current), version: Number(current.version) + 1 }, 'delete', changedBy, now);
      return true;
    });
  }

  async history(id?: string, limit = 200): Promise<PriceHistoryEntry[]> {
    const q = this.db('billing_price_history').orderBy('id', 'desc').limit(limit);
    if (id) q.where({ price_id: id });
    return (await q).map((r: { price_id: string; version: number; action: PriceHistoryEntry['action']; snapshot: string; changed_by: string | null; changed_at: number }) => ({
      priceId: r.price_id,
      version: Number(r.version),
      action: r.action,
      snapshot: JSON.parse(r.snapshot) as PriceRecord,
      changedBy: r.changed_by,
      changedAt: Number(r.changed_at),
    }));
  }

  private async remember(trx: Db, p: PriceRecord, action: PriceHistoryEntry['action'], changedBy: string | null, at: number): Promise<void> {
    await trx('billing_price_history').insert({ price_id: p.id, version: p.version, action, snapshot: JSON.stringify(p), changed_by: changedBy, changed_at: at });
  }
}
