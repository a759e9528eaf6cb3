/** Calendar periods in UTC: the month rules see, and the windows budgets count in. */

export type BudgetPeriod = 'day' | 'week' | 'month';

const iso = (d: Date) => d.toISOString().slice(0, 10);

/** `YYYY-MM`: the period of `ctx.account.periodUsage`. */
export function monthKey(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** The budget window `at` falls in: `day:2026-11-28`, `week:2026-11-23` (weeks start on Monday), `month:2026-11`. */
export function windowKey(period: BudgetPeriod, at: number): string {
  const d = new Date(at);
  if (period === 'day') return `day:${iso(d)}`;
  if (period === 'month') return `month:${monthKey(at)}`;
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return `week:${iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - sinceMonday)))}`;
}
