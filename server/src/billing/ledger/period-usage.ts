import type { PeriodUsage } from '@switchyard/spec';
import type { Db } from '../../db/connect';

/** The payer's usage this month so far, for rules with memory (allowances, tiers). */
export async function readPeriodUsage(db: Db, accountId: string, period: string): Promise<PeriodUsage> {
  const row = await db('billing_period_usage').where({ account_id: accountId, period }).first();
  return { period, microCredits: Number(row?.micro_credits ?? 0), tokens: Number(row?.tokens ?? 0), requests: Number(row?.requests ?? 0) };
}

/** Adds one settled request to the month (gross value at the plain price, tokens, one request). */
export async function addPeriodUsage(trx: Db, accountId: string, period: string, gross: number, tokens: number): Promise<void> {
  await trx('billing_period_usage')
    .insert({ account_id: accountId, period, micro_credits: gross, tokens, requests: 1 })
    .onConflict(['account_id', 'period'])
    .merge({
      micro_credits: trx.raw('?? + ?', ['billing_period_usage.micro_credits', gross]),
      tokens: trx.raw('?? + ?', ['billing_period_usage.tokens', tokens]),
      requests: trx.raw('?? + 1', ['billing_period_usage.requests']),
    });
}
