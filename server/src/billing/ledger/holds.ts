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
  /** Whether `amountFor` needs the payer's month so far (the rule reads period usage). */
  readsPeriodUsage: boolean;
  /** The most the request can cost (the rule's estimate). */
  amountFor(period: PeriodUsage | undefined): number;
  now?: number;
}

export type ReserveResult =
  | { ok: true; holdId: string | null; amount: number }
  /** Not enough credit: nothing was written. `available` is what the payer could spend. */
  | { ok: false; amount: number; available: number };

/** Thrown inside the reserving transaction to roll it back when the balance cannot cover the hold. */
class NotEnoughCredit extends Error {
  constructor(
    readonly amount: number,
    readonly available: number,
  ) {
    super('not enough credit');
  }
}

/** What the payer could spend: balance plus credit line. */
async function spendable(trx: Db, accountId: string): Promise<number> {
  const row = await trx('billing_accounts').where({ id: accountId }).first();
  return row ? Number(row.balance) + Number(row.credit_limit) : 0;
}

/**
 * One small transaction: hold the estimate and journal it. The conditional UPDATE of the payer's
 * row comes last, so that row is locked only until the commit; if it updates nothing, the
 * transaction is rolled back and nothing was written.
 */
export async function reserve(db: Db, input: ReserveInput): Promise<ReserveResult> {
  const now = input.now ?? Date.now();
  try {
    return await db.transaction(async (trx) => {
      const period = input.readsPeriodUsage ? await readPeriodUsage(trx, input.accountId, monthKey(now)) : undefined;
      const amount = input.amountFor(period);
      // Nothing to hold (a free allowance covers it): the settlement still runs under the lock.
      if (amount === 0) return { ok: true as const, holdId: null, amount };
      // Past what any balance can be (2^53 micro-credits; say max_tokens: 1e300): never covered.
      if (amount > Number.MAX_SAFE_INTEGER) throw new NotEnoughCredit(amount, await spendable(trx, input.accountId));
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
      const held = await trx('billing_accounts')
        .where({ id: input.accountId })
        .andWhereRaw('balance - ? >= -credit_limit', [amount])
        .update({ balance: trx.raw('balance - ?', [amount]), updated_at: now });
      if (held === 0) throw new NotEnoughCredit(amount, await spendable(trx, input.accountId));
      return { ok: true as const, holdId, amount };
    });
  } catch (err) {
    if (err instanceof NotEnoughCredit) return { ok: false, amount: err.amount, available: err.available };
    throw err;
  }
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
  /** Whether `chargeFor` needs the payer's month so far (then it is read under the payer's lock). */
  readsPeriodUsage: boolean;
  /** The rule's charge, and the plain value and tokens that go into the payer's month. */
  chargeFor(period: PeriodUsage | undefined): { charged: number; gross: number; tokens: number };
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

/** Locks the payer's row (PostgreSQL; SQLite has one writer anyway) and says what it may still spend. */
async function lockAvailable(trx: Db, accountId: string): Promise<number> {
  const q = trx('billing_accounts').where({ id: accountId });
  const row = await (isPostgres(trx) ? q.forUpdate() : q).first();
  return row ? Math.max(0, Number(row.balance) + Number(row.credit_limit)) : 0;
}

/**
 * One small transaction: close the hold, charge the actual cost, return the rest. A charge above
 * the hold (an upstream that used more than estimated) is taken from the balance only down to the
 * credit line; the shortfall is recorded (charged - collected), never owed below zero.
 *
 * The payer's row is locked for the whole settlement only when it must be: when the rule reads
 * the month so far (two settlements must not both spend the same allowance) or when the charge
 * exceeds the hold (the balance must be read). Otherwise its UPDATE is the last statement.
 */
export async function settle(db: Db, input: SettleInput): Promise<SettleResult> {
  const now = input.now ?? Date.now();
  const month = monthKey(now);
  return db.transaction(async (trx) => {
    let held = 0;
    if (input.holdId) {
      const closed = await trx('billing_holds').where({ id: input.holdId, status: 'open' }).update({ status: 'settled', closed_at: now });
      held = closed > 0 ? input.reserved : 0;
    }
    let available: number | undefined;
    let period: PeriodUsage | undefined;
    if (input.readsPeriodUsage) {
      available = await lockAvailable(trx, input.accountId);
      period = await readPeriodUsage(trx, input.accountId, month);
    }
    const { charged, gross, tokens } = input.chargeFor(period);
    const fromHold = Math.min(charged, held);
    if (charged > fromHold && available === undefined) available = await lockAvailable(trx, input.accountId);
    const extra = Math.min(charged - fromHold, available ?? 0);
    const collected = fromHold + extra;
    const balanceChange = held - fromHold - extra;

    await postEntry(trx, { kind: 'settle', accountId: input.accountId, requestId: input.requestId, holdId: input.holdId ?? undefined, at: now }, [
      { account: SYSTEM.holds, amount: -held },
      { account: input.accountId, amount: balanceChange },
      { account: SYSTEM.revenue, amount: collected },
    ]);
    const settlementId = await insertSettlement(trx, input, { status: 'settled', charged, collected, now });
    await consumeGrants(trx, input.accountId, collected, now);
    await addPeriodUsage(trx, input.accountId, month, gross, tokens);
    await addSpend(trx, input.budgets, charged);
    const spendAfter = input.budgets.length > 0 ? await readSpend(trx, input.budgets) : new Map<string, number>();
    if (balanceChange !== 0) {
      await trx('billing_accounts').where({ id: input.accountId }).update({ balance: trx.raw('balance + ?', [balanceChange]), updated_at: now });
    }
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
    await insertSettlement(trx, input, { status: 'released', charged: 0, collected: 0, now });
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

async function insertSettlement(trx: Db, input: Pick<SettleInput, 'requestId' | 'attempt' | 'holdId' | 'accountId' | 'reserved' | 'details'>, outcome: { status: 'settled' | 'released'; charged: number; collected: number; now: number }): Promise<string> {
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
