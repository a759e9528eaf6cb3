import type { PeriodUsage } from '@switchyard/spec';
import type { Db } from '../../db/connect';

/** The key of one payer's month in the maps below. */
export const periodKey = (accountId: string, period: string) => `${accountId}\u0000${period}`;

/** Payers' usage in the given months, by periodKey (absent: nothing settled yet), in one query. */
export async function readPeriodUsages(db: Db, accountIds: string[], periods: string[]): Promise<Map<string, PeriodUsage>> {
  const rows: Array<{ account_id: string; period: string; micro_credits: number | string; tokens: number | string; requests: number | string }> = await db('billing_period_usage').whereIn('account_id', accountIds).whereIn('period', periods);
  return new Map(rows.map((r) => [periodKey(r.account_id, r.period), { period: r.period, microCredits: Number(r.micro_credits), tokens: Number(r.tokens), requests: Number(r.requests) }]));
}

/** The payer's usage this month so far, for rules with memory (allowances, tiers). */
export async function readPeriodUsage(db: Db, accountId: string, period: string): Promise<PeriodUsage> {
  return (await readPeriodUsages(db, [accountId], [period])).get(periodKey(accountId, period)) ?? { period, microCredits: 0, tokens: 0, requests: 0 };
}

/** Adds settled requests to the month: their gross value at the plain price, tokens, and count. */
export async function addPeriodUsage(trx: Db, accountId: string, period: string, add: { microCredits: number; tokens: number; requests: number }): Promise<void> {
  await trx('billing_period_usage')
    .insert({ account_id: accountId, period, micro_credits: add.microCredits, tokens: add.tokens, requests: add.requests })
    .onConflict(['account_id', 'period'])
    .merge({
      micro_credits: trx.raw('?? + ?', ['billing_period_usage.micro_credits', add.microCredits]),
      tokens: trx.raw('?? + ?', ['billing_period_usage.tokens', add.tokens]),
      requests: trx.raw('?? + ?', ['billing_period_usage.requests', add.requests]),
    });
}
