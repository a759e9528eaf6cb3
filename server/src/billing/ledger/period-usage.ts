import type { PeriodUsage } from '@switchyard/spec';
import type { Db } from '../../db/connect';
import type { WriteBatch } from '../../db/write-batch';

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

/** Adds settled requests to the month (gross value at the plain price, tokens, count): one statement of the ledger batch's writes. */
export function addPeriodUsage(writes: WriteBatch, accountId: string, period: string, add: { microCredits: number; tokens: number; requests: number }): void {
  writes.add(
    'insert into "billing_period_usage" ("account_id","period","micro_credits","tokens","requests") values (?,?,?,?,?) on conflict ("account_id","period") do update set ' +
      '"micro_credits" = "billing_period_usage"."micro_credits" + excluded."micro_credits", "tokens" = "billing_period_usage"."tokens" + excluded."tokens", "requests" = "billing_period_usage"."requests" + excluded."requests"',
    [accountId, period, add.microCredits, add.tokens, add.requests],
  );
}
