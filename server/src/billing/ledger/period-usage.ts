import type { PeriodUsage } from '@switchyard/spec';
import type { Db } from '../../db/connect';

/** The payer's usage this month so far, for rules with memory (allowances, tiers). */
export async function readPeriodUsage(db: Db, accountId: string, period: string): Promise<PeriodUsage> {
  const row = await db('billing_period_usage').where({ account_id: accountId, period }).first();
  return { period, microCredits: Number(row?.micro_credits ?? 0), tokens: Number(row?.tokens ?? 0), requests: Number(row?.requests ?? 0) };
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
