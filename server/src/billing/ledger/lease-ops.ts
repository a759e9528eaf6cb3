import type { SpendWindow } from '../budgets/budget-usage';
import type { SettlementDetails } from './holds';

/*
 * The ledger operations behind credit leases (leases.ts). A lease is an ordinary hold row that
 * one instance draws many requests' reservations from in memory; these operations are what
 * reaches the database, through the same group-committed writer as per-request holds.
 */

/** Moves credit from the payer's balance into the instance's lease (a new one when `leaseId` is not open). */
export interface LeaseTakeInput {
  accountId: string;
  /** The lease to add to; null (or one no longer open) starts a new one. */
  leaseId: string | null;
  /** What must be added for the waiting request: refused, with nothing written, if not there. */
  need: number;
  /** What to add if the balance has it (at least `need`). */
  want: number;
  ttlMs: number;
  /** The instance holding the lease (recorded on the hold row). */
  owner: string;
  now?: number;
}

export type LeaseTakeResult =
  | { ok: true; leaseId: string | null; added: number }
  | { ok: false; available: number };

/**
 * A charge (or a release) decided in memory against a lease. Plain data: it is written to the
 * local charge journal before the answer leaves, and replayed from there after a crash.
 */
export interface LeaseChargeInput {
  /** The settlement row's id, chosen up front so a replay is recognised. */
  settlementId: string;
  accountId: string;
  leaseId: string | null;
  requestId: string;
  attempt: number;
  status: 'settled' | 'released';
  reserved: number;
  charged: number;
  /** What the lease gave (the charge, unless the lease ran dry). */
  collected: number;
  /** The plain value and tokens that go into the payer's month. */
  gross: number;
  tokens: number;
  details: SettlementDetails;
  budgets: SpendWindow[];
  now: number;
  /** Set when replayed from a journal: skipped if its settlement is already stored. */
  replayed?: boolean;
}

export interface LeaseChargeResult {
  /** What the database took (less than decided only when the lease had expired meanwhile). */
  collected: number;
  /** A replay of a charge already stored: nothing was written. */
  duplicate: boolean;
  /** Each budget window's spend right after this charge (when it counts against budgets). */
  spendAfter?: Map<string, number>;
}

/** Closes a lease: what its row still holds goes back to the balance. */
export interface LeaseReturnInput {
  accountId: string;
  leaseId: string;
  now?: number;
}
