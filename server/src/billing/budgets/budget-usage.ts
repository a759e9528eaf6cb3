import type { Db } from '../../db/connect';

/** One budget's current window: where its spend is counted. */
export interface SpendWindow {
  scope: 'key' | 'user' | 'project';
  scopeId: string;
  periodKey: string;
}

/** The key of a window in spend maps. */
export const windowKey = (w: SpendWindow) => `${w.scope}\u0000${w.scopeId}\u0000${w.periodKey}`;

/** Spend so far in each window (0 when nothing was spent yet), in one query. */
export async function readSpend(db: Db, windows: SpendWindow[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (windows.length === 0) return out;
  const rows: Array<{ scope: SpendWindow['scope']; scope_id: string; period_key: string; spent: number | string }> = await db('billing_budget_usage').where((q) => {
    for (const w of windows) q.orWhere({ scope: w.scope, scope_id: w.scopeId, period_key: w.periodKey });
  });
  for (const r of rows) out.set(windowKey({ scope: r.scope, scopeId: r.scope_id, periodKey: r.period_key }), Number(r.spent));
  return out;
}

export function spentIn(spend: Map<string, number>, w: SpendWindow): number {
  return spend.get(windowKey(w)) ?? 0;
}

/**
 * Adds to each window's spend (an atomic increment: concurrent requests never lose one) and
 * returns the spend right after, read under the rows' locks, so limit crossings are seen once.
 */
export async function addSpendAndRead(db: Db, windows: SpendWindow[], amount: number): Promise<Map<string, number>> {
  return db.transaction(async (trx) => {
    await addSpend(trx, windows, amount);
    return readSpend(trx, windows);
  });
}

/** Adds to each window's spend (an atomic increment: concurrent requests never lose one). */
export async function addSpend(trx: Db, windows: SpendWindow[], amount: number): Promise<void> {
  if (amount <= 0) return;
  for (const w of windows) {
    await trx('billing_budget_usage')
      .insert({ scope: w.scope, scope_id: w.scopeId, period_key: w.periodKey, spent: amount })
      .onConflict(['scope', 'scope_id', 'period_key'])
      .merge({ spent: trx.raw('?? + ?', ['billing_budget_usage.spent', amount]) });
  }
}
