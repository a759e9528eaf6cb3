import type { PeriodUsage } from '@switchyard/spec';
import type { Db } from '../../db/connect';
import type { SpendWindow } from '../budgets/budget-usage';
import { SYSTEM } from './accounts';
import { postEntry } from './journal';
import type { LedgerWriter } from './ledger-batch';

/*
 * Reservations and settlements. They go through the ledger writer (ledger-batch.ts), which
 * applies the requests in flight in group-committed batches, deciding each in turn in memory
 * against the payer's row read under its lock: no interleaving of requests, on one instance or
 * many, can take a balance below its credit line (and a CHECK constraint refuses it anyway).
 *
 * Lock order everywhere: hold rows, then payer rows.
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

/** Holds the estimate (refused, with nothing written, when the balance cannot cover it). */
export function reserve(ledger: LedgerWriter, input: ReserveInput): Promise<ReserveResult> {
  return ledger.submit(input.accountId, { kind: 'reserve', input }) as Promise<ReserveResult>;
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

/**
 * Closes the hold, charges the actual cost, returns the rest. A charge above the hold (an upstream
 * that used more than estimated) is taken from the balance only down to the credit line; the
 * shortfall is recorded (charged - collected), never owed below zero. With a rule that reads the
 * month so far, two settlements never both spend the same allowance (they are decided in turn
 * under the payer's lock).
 */
export function settle(ledger: LedgerWriter, input: SettleInput): Promise<SettleResult> {
  return ledger.submit(input.accountId, { kind: 'settle', input }) as Promise<SettleResult>;
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
export async function release(ledger: LedgerWriter, input: ReleaseInput): Promise<void> {
  await ledger.submit(input.accountId, { kind: 'release', input });
}

/**
 * Closes an open hold and gives its credit back. Guarded by `status = 'open'`, so a hold is
 * returned once however many settlers and reconcilers race for it. True when this call did it.
 */
export async function returnHold(trx: Db, hold: { id: string; accountId: string; requestId: string }, status: 'released' | 'expired', now: number): Promise<boolean> {
  // The amount as the update found it: a credit lease's changes with every charge written.
  const closed: Array<{ amount: number | string }> = await trx('billing_holds').where({ id: hold.id, status: 'open' }).update({ status, closed_at: now }, ['amount']);
  if (closed.length === 0) return false;
  const amount = Number(closed[0].amount);
  await trx('billing_accounts').where({ id: hold.accountId }).update({ balance: trx.raw('balance + ?', [amount]), updated_at: now });
  await postEntry(trx, { kind: status === 'expired' ? 'expire' : 'release', accountId: hold.accountId, requestId: hold.requestId, holdId: hold.id, at: now }, [
    { account: SYSTEM.holds, amount: -amount },
    { account: hold.accountId, amount },
  ]);
  return true;
}
