import { GatewayError } from '@switchyard/core';
import type { Principal } from '@switchyard/spec';
import type { Db } from '../../db/connect';
import { windowKey, type BudgetPeriod } from '../periods';
import { readSpend, spentIn, type SpendWindow } from './budget-usage';
import type { BudgetRecord } from './budget-repo';

/** The budgets in memory, by who they limit. The request path reads only this. */
export class BudgetBook {
  private byTarget = new Map<string, BudgetRecord[]>();
  private count = 0;

  load(records: BudgetRecord[]): void {
    const map = new Map<string, BudgetRecord[]>();
    for (const b of records) {
      const k = `${b.scope}:${b.scopeId}`;
      if (!map.has(k)) map.set(k, []);
      map.get(k)!.push(b);
    }
    this.byTarget = map;
    this.count = records.length;
  }

  /** Budgets on the caller's key, user and project. */
  forPrincipal(p: Principal | undefined): BudgetRecord[] {
    if (!p || this.count === 0) return [];
    const out: BudgetRecord[] = [];
    for (const k of [`key:${p.id}`, p.userId && `user:${p.userId}`, p.projectId && `project:${p.projectId}`]) {
      if (k) out.push(...(this.byTarget.get(k) ?? []));
    }
    return out;
  }
}

export interface BoundBudget {
  budget: BudgetRecord;
  window: SpendWindow;
}

export function bindWindows(budgets: BudgetRecord[], at: number): BoundBudget[] {
  return budgets.map((budget) => ({ budget, window: { scope: budget.scope, scopeId: budget.scopeId, periodKey: windowKey(budget.period, at) } }));
}

/** When the current window ends: what a client should wait before trying again. */
export function msUntilWindowEnds(period: BudgetPeriod, at: number): number {
  const d = new Date(at);
  let end: number;
  if (period === 'day') end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  else if (period === 'week') end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 7 - ((d.getUTCDay() + 6) % 7));
  else end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return end - at;
}

export function budgetExceeded(b: BudgetRecord, at: number): GatewayError {
  return new GatewayError({
    status: 429,
    type: 'insufficient_quota',
    code: 'budget_exceeded',
    message: `The ${b.period}ly budget for this ${b.scope} is used up. It resets at the start of the next ${b.period} (UTC).`,
    retryable: false,
    retryAfterMs: msUntilWindowEnds(b.period, at),
  });
}

/** Refuses the request (429) when any hard limit that applies is reached. One query, only if a limit applies. */
export async function enforceHardLimits(db: Db, bound: BoundBudget[], at: number): Promise<void> {
  const limited = bound.filter((b) => b.budget.hardLimit !== null);
  if (limited.length === 0) return;
  const spend = await readSpend(db, limited.map((b) => b.window));
  for (const b of limited) if (spentIn(spend, b.window) >= b.budget.hardLimit!) throw budgetExceeded(b.budget, at);
}

export interface BudgetCrossing {
  kind: 'soft' | 'hard';
  budget: BudgetRecord;
  window: string;
  spent: number;
  limit: number;
}

/** Which limits the last `amount` of spend crossed, given the spend after it. */
export function crossings(bound: BoundBudget[], spendAfter: Map<string, number>, amount: number): BudgetCrossing[] {
  const out: BudgetCrossing[] = [];
  for (const { budget, window } of bound) {
    const after = spentIn(spendAfter, window);
    const before = after - amount;
    for (const [kind, limit] of [['soft', budget.softLimit], ['hard', budget.hardLimit]] as const) {
      if (limit !== null && before < limit && after >= limit) out.push({ kind, budget, window: window.periodKey, spent: after, limit });
    }
  }
  return out;
}
