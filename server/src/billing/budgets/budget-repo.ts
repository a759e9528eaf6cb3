import type { Db } from '../../db/connect';
import { newId } from '../../repos/ids';
import type { BudgetPeriod } from '../periods';

export type BudgetScope = 'key' | 'user' | 'project';

/** A spending limit for a key, user or project over a day, week or month (UTC), in micro-credits. */
export interface BudgetRecord {
  id: string;
  scope: BudgetScope;
  scopeId: string;
  period: BudgetPeriod;
  /** Crossing it logs and emits `budget.soft_limit`; requests go on. */
  softLimit: number | null;
  /** Once spent reaches it, requests get 429 budget_exceeded before any upstream call. */
  hardLimit: number | null;
  createdAt: number;
  updatedAt: number;
}

const toRecord = (r: Record<string, unknown>): BudgetRecord => ({
  id: String(r.id),
  scope: r.scope as BudgetScope,
  scopeId: String(r.scope_id),
  period: r.period as BudgetPeriod,
  softLimit: r.soft_limit === null ? null : Number(r.soft_limit),
  hardLimit: r.hard_limit === null ? null : Number(r.hard_limit),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class BudgetRepo {
  constructor(private readonly db: Db) {}

  async list(): Promise<BudgetRecord[]> {
    return (await this.db('billing_budgets').orderBy(['scope', 'scope_id', 'period'])).map(toRecord);
  }

  async get(id: string): Promise<BudgetRecord | undefined> {
    const row = await this.db('billing_budgets').where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  /** One budget per scope, id and period: setting it again replaces the limits. */
  async put(b: Pick<BudgetRecord, 'scope' | 'scopeId' | 'period' | 'softLimit' | 'hardLimit'>): Promise<BudgetRecord> {
    const now = Date.now();
    await this.db('billing_budgets')
      .insert({ id: newId('budget'), scope: b.scope, scope_id: b.scopeId, period: b.period, soft_limit: b.softLimit, hard_limit: b.hardLimit, created_at: now, updated_at: now })
      .onConflict(['scope', 'scope_id', 'period'])
      .merge({ soft_limit: b.softLimit, hard_limit: b.hardLimit, updated_at: now });
    return toRecord(await this.db('billing_budgets').where({ scope: b.scope, scope_id: b.scopeId, period: b.period }).first());
  }

  async update(id: string, patch: { softLimit?: number | null; hardLimit?: number | null }): Promise<BudgetRecord | undefined> {
    const row: Record<string, unknown> = { updated_at: Date.now() };
    if (patch.softLimit !== undefined) row.soft_limit = patch.softLimit;
    if (patch.hardLimit !== undefined) row.hard_limit = patch.hardLimit;
    if ((await this.db('billing_budgets').where({ id }).update(row)) === 0) return undefined;
    return this.get(id);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db('billing_budgets').where({ id }).delete()) > 0;
  }
}
