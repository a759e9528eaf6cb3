import type { PeriodUsage } from '@switchyard/spec';
import { isPostgres, type Db } from '../../db/connect';
import { newId } from '../../repos/ids';
import { addSpend, readSpend, type SpendWindow } from '../budgets/budget-usage';
import { monthKey } from '../periods';
import { SYSTEM } from './accounts';
import { consumeGrants } from './credits';
import { postEntry } from './journal';
import { addPeriodUsage, readPeriodUsage } from './period-usage';

/*
 * Reservations. The balance check and the hold are one conditional UPDATE
 * (`balance - amount >= -credit_limit`), so no interleaving of requests, on one instance or many,
 * can take a balance below its credit line: PostgreSQL re-checks the condition on the row's
 * latest version after waiting for its lock, and SQLite runs one writer at a time.
 *
 * Lock order everywhere: the hold row, then the payer row. Reserving inserts a new hold, so it
 * only locks the payer row.
 */

export interface ReserveInput {
  accountId: string;
  requestId: string;
  attempt: number;
  ttlMs: number;
  /** The most the request can cost, given the payer's month so far (the rule's estimate). */
  amountFor(period: PeriodUsage): number;
  now?: number;
}

export type ReserveResult =
  | { ok: true; holdId: string | null; amount: number }
  /** Not enough credit: nothing was written. `available` is what the payer could spend. */
  | { ok: false; amount: number; available: number };

/** One small transaction: read the month, hold the estimate, journal it. */
export async function reserve(db: Db, input: ReserveInput): Promise<ReserveResult> {
  const now = input.now ?? Date.now();
  return db.transaction(async (trx) => {
    const amount = input.amountFor(await readPeriodUsage(trx, input.accountId, monthKey(now)));
    // Nothing to hold (a free allowance covers it): the settlement still runs under the lock.
    if (amount === 0) return { ok: true, holdId: null, amount };
    const held = await trx('billing_accounts')
      .where({ id: input.accountId })
      .andWhereRaw('balance - ? >= -credit_limit', [amount])
      .update({ balance: trx.raw('balance - ?', [amount]), updated_at: now });
    if (held === 0) {
      const row = await trx('billing_accounts').where({ id: input.accountId }).first();
      return { ok: false, amount, available: row ? Number(row.balance) + Number(row.credit_limit) : 0 };
    }
    const holdId = newId('hold');
    await trx('billing_holds').insert({
      id: holdId,
      account_id: input.accountId,
      amount,
      request_id: input.requestId,
      attempt: input.attempt,
      status: 'open',
      created_at: now,
      expires_at: now + input.ttlMs,
    });
    await postEntry(trx, { kind: 'reserve', accountId: input.accountId, requestId: input.requestId, holdId, at: now }, [
      { account: input.accountId, amount: -amount },
      { account: SYSTEM.holds, amount },
    ]);
    return { ok: true, holdId, amount };
  });
}

/** What the settlement row records about the attempt. */
export interface SettlementDetails {
  endpoint: string;
  providerId: string;
  modelId: string;
  upstreamModel: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  images: number;
  countedLocally: boolean;
  costUsd: number;
}

export interface SettleInput {
  accountId: string;
  holdId: string | null;
  reserved: number;
  requestId: string;
  attempt: number;
  /** The rule's charge, given the payer's month so far (read under the payer's lock, so exact). */
  chargeFor(period: PeriodUsage): { charged: number; gross: number; tokens: number };
  details: SettlementDetails;
  /** Budget windows the charge counts against. */
  budgets: SpendWindow[];
  now?: number;
}

export interface SettleResult {
  settlementId: string;
  charged: number;
  /** What the ledger took: the charge, unless the payer ran out (then what was there). */
  collected: number;
  /** False when reconciliation had already released the hold (the request outlived it). */
  heldAtSettle: boolean;
  /** Each budget window's spend right after this charge (read under its row lock: exact). */
  spendAfter: Map<string, number>;
}

/**
 * One small transaction: close the hold, charge the actual cost, return the rest. A charge above
 * the hold (an upstream that used more than estimated) is taken from the balance only down to the
 * credit line; the shortfall is recorded (charged - collected), never owed below zero.
 */
export async function settle(db: Db, input: SettleInput): Promise<SettleResult> {
  const now = input.now ?? Date.now();
  return db.transaction(async (trx) => {
    let held = 0;
    if (input.holdId) {
      const closed = await trx('billing_holds').where({ id: input.holdId, status: 'open' }).update({ status: 'settled', closed_at: now });
      held = closed > 0 ? input.reserved : 0;
    }
    const accountQuery = trx('billing_accounts').where({ id: input.accountId });
    const account = await (isPostgres(trx) ? accountQuery.forUpdate() : accountQuery).first();
    const available = account ? Math.max(0, Number(account.balance) + Number(account.credit_limit)) : 0;

    const period = monthKey(now);
    const { charged, gross, tokens } = input.chargeFor(await readPeriodUsage(trx, input.accountId, period));
    const fromHold = Math.min(charged, held);
    const extra = Math.min(charged - fromHold, available);
    const collected = fromHold + extra;
    const balanceChange = held - fromHold - extra;

    if (balanceChange !== 0 && account) {
      await trx('billing_accounts').where({ id: input.accountId }).update({ balance: trx.raw('balance + ?', [balanceChange]), updated_at: now });
    }
    await postEntry(trx, { kind: 'settle', accountId: input.accountId, requestId: input.requestId, holdId: input.holdId ?? undefined, at: now }, [
      { account: SYSTEM.holds, amount: -held },
      { account: input.accountId, amount: balanceChange },
      { account: SYSTEM.revenue, amount: collected },
    ]);
    await consumeGrants(trx, input.accountId, collected, now);
    await addPeriodUsage(trx, input.accountId, period, gross, tokens);
    await addSpend(trx, input.budgets, charged);
    const spendAfter = input.budgets.length > 0 ? await readSpend(trx, input.budgets) : new Map<string, number>();
    const settlementId = await insertSettlement(trx, input, { status: 'settled', charged, collected, now });
    return { settlementId, charged, collected, heldAtSettle: held > 0 || !input.holdId, spendAfter };
  });
}

export interface ReleaseInput {
  accountId: string;
  holdId: string | null;
  reserved: number;
  requestId: string;
  attempt: number;
  details: SettlementDetails;
  now?: number;
}

/** A failed attempt: the whole hold goes back, and the settlement row says nothing was charged. */
export async function release(db: Db, input: ReleaseInput): Promise<void> {
  const now = input.now ?? Date.now();
  await db.transaction(async (trx) => {
    if (input.holdId) await returnHold(trx, { id: input.holdId, accountId: input.accountId, amount: input.reserved, requestId: input.requestId }, 'released', now);
    await insertSettlement(trx, { ...input, budgets: [] }, { status: 'released', charged: 0, collected: 0, now });
  });
}

/**
 * Closes an open hold and gives its credit back. Guarded by `status = 'open'`, so a hold is
 * returned once however many settlers and reconcilers race for it. True when this call did it.
 */
export async function returnHold(trx: Db, hold: { id: string; accountId: string; amount: number; requestId: string }, status: 'released' | 'expired', now: number): Promise<boolean> {
  const closed = await trx('billing_holds').where({ id: hold.id, status: 'open' }).update({ status, closed_at: now });
  if (closed === 0) return false;
  await trx('billing_accounts').where({ id: hold.accountId }).update({ balance: trx.raw('balance + ?', [hold.amount]), updated_at: now });
  await postEntry(trx, { kind: status === 'expired' ? 'expire' : 'release', accountId: hold.accountId, requestId: hold.requestId, holdId: hold.id, at: now }, [
    { account: SYSTEM.holds, amount: -hold.amount },
    { account: hold.accountId, amount: hold.amount },
  ]);
  return true;
}

async function insertSettlement(trx: Db, input: Omit<SettleInput, 'chargeFor'>, outcome: { status: 'settled' | 'released'; charged: number; collected: number; now: number }): Promise<string> {
  const id = newId('stl');
  const d = input.details;
  await trx('billing_settlements').insert({
    id,
    request_id: input.requestId,
    attempt: input.attempt,
    hold_id: input.holdId,
    account_id: input.accountId,
    endpoint: d.endpoint,
    provider_id: d.providerId,
    model_id: d.modelId,
    upstream_model: d.upstreamModel,
    prompt_tokens: d.promptTokens,
    completion_tokens: d.completionTokens,
    cached_tokens: d.cachedTokens,
    cache_write_tokens: d.cacheWriteTokens,
    images: d.images,
    counted_locally: d.countedLocally,
    reserved: input.reserved,
    charged: outcome.charged,
    collected: outcome.collected,
    cost_usd: d.costUsd,
    status: outcome.status,
    created_at: outcome.now,
  });
  return id;
}
