import { EventEmitter } from 'node:events';
import type { BudgetCrossing } from './budgets/budget-guard';

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
