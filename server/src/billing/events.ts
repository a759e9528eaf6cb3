import { EventEmitter } from 'node:events';
import type { Usage } from '@switchyard/spec';
import type { AttemptRecord, AttemptStart } from '../dispatch/hooks';
import type { BudgetCrossing } from './budgets/budget-guard';

/**
 * An attempt's charge, about to be committed before its answer leaves (the default ledger; a
 * charge against a credit lease is journaled instead, ledger/charge-journal.ts).
 */
export interface SettlingCharge {
  start: AttemptStart;
  /** The attempt's record as it ended (billing's figures are not on it yet). */
  outcome: AttemptRecord;
  /** The usage billed: the upstream's, or the gateway's own count when `countedLocally`. */
  usage: Usage;
  countedLocally: boolean;
  images: number;
  /** What the attempt cost upstream, in micro-credits; undefined when the target has no price. */
  costMicros: number | undefined;
}

/** What billing tells the rest of the system (the live feed, notifications, the console). */
export interface BillingEventMap {
  /** A budget's soft limit was crossed by the spend of one request (sent once per crossing). */
  'budget.soft_limit': BudgetCrossing;
  /** A budget's hard limit was reached: further requests get 429 until the window ends. */
  'budget.hard_limit': BudgetCrossing;
  /** Reconciliation returned holds left behind (by a crash, or requests that outlived them). */
  'holds.expired': { count: number };
  /** What was left of expired grants was removed. */
  'grants.expired': { count: number };
  /**
   * Sent synchronously just before a charge is committed ahead of its answer, so a listener can
   * put what it needs on disk first: the usage journal does (usage/charge-notice.ts), so that a
   * process killed between the commit and the request's usage event still leaves the charge
   * explained.
   */
  settling: SettlingCharge;
  /** An attempt was settled against a payer. Amounts in micro-credits. */
  settled: { requestId: string; accountId: string; charged: number; collected: number; reserved: number };
}

export class BillingEvents {
  private readonly emitter = new EventEmitter();

  on<K extends keyof BillingEventMap>(event: K, listener: (payload: BillingEventMap[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<K extends keyof BillingEventMap>(event: K, payload: BillingEventMap[K]): void {
    // A listener's failure must not reach the request that caused the event.
    for (const l of this.emitter.listeners(event)) {
      try {
        (l as (p: BillingEventMap[K]) => void)(payload);
      } catch {
        /* ignored */
      }
    }
  }
}
