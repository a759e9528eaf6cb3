import type { Logger } from '@switchyard/spec';
import type { Db } from '../../db/connect';
import { newId } from '../../repos/ids';
import type { LeaseChargeInput, LeaseChargeResult, LeaseTakeResult } from './lease-ops';
import type { LedgerWriter } from './ledger-batch';

/**
 * Credit leases: the ledger off the request path.
 *
 * Each instance holds, per payer it serves, a lease: an ordinary hold row (moved out of the
 * balance under the payer's lock, like any reservation) that it draws reservations from in
 * memory. A request's reservation is then a subtraction, and its charge is decided in memory,
 * written to a local journal before the answer leaves, and reaches the database afterwards in
 * group-committed batches. Only when a lease runs short does a request wait for the database,
 * to take more (refused, as before, when the balance cannot cover the request).
 *
 * Why it cannot overdraw: credit is spent only from a lease, and a lease only holds what was
 * taken from the balance under its lock. What it costs: credit parked in an instance's lease is
 * not visible to the others (a request on another instance can be refused while it sits there;
 * idle leases are given back) and the stored balance trails the charges by one batch.
 *
 * A lease lives `ttlMs` unless renewed (every third of it while in use). If this instance dies,
 * reconciliation returns what the lease still holds when it expires, and the survivor replays
 * the dead instance's charge journal (charges that reached the database are not applied twice).
 */

export interface LeaseSizing {
  /** Credit taken per refill (micro-credits), or less if the balance has less. */
  size: number;
  /** A lease unused this long is given back. */
  idleMs: number;
  /** A lease not renewed this long expires (reconciliation gives it back). */
  ttlMs: number;
}

/** Where decided charges go before the answer leaves (see ChargeJournal). */
export interface ChargeLog {
  append(charge: LeaseChargeInput): void;
  stored(charges: LeaseChargeInput[]): void;
}

export interface LeaseBookOptions {
  db: Db;
  ledger: LedgerWriter;
  logger: Logger;
  /** This instance (recorded on its lease rows). */
  owner: string;
  sizing(): LeaseSizing;
  journal?: ChargeLog;
}

/** One payer's lease on this instance. */
export interface Lease {
  readonly accountId: string;
  /** The hold row; null until credit was first taken. */
  id: string | null;
  /** What the hold row holds once every charge decided so far is written. */
  held: number;
  /** `held` less the reservations in flight: what new requests can reserve. */
  free: number;
  inFlight: number;
  lastUsed: number;
  /** When its expiry was last pushed back (taking credit does it too). */
  renewedAt: number;
  /** Reconciliation expired the row (this instance could not renew it): charges go to the balance. */
  lost: boolean;
  taking?: Promise<LeaseTakeResult>;
}

export type LeaseReservation = { ok: true; lease: Lease; amount: number } | { ok: false; amount: number; available: number };

export interface DecidedCharge {
  settlementId: string;
  charged: number;
  collected: number;
  /** Resolves once the charge is in the database (retried until it is, or the book closes). */
  written: Promise<LeaseChargeResult | undefined>;
}

/** What the caller knows of a charge: the rest (ids, status, what the lease gives) the book decides. */
type ChargeFacts = Omit<LeaseChargeInput, 'settlementId' | 'accountId' | 'leaseId' | 'status' | 'collected' | 'reserved' | 'replayed'>;
type ReleaseFacts = Omit<ChargeFacts, 'charged' | 'gross' | 'tokens'>;

const RETRY_MS = [100, 500, 2_000, 5_000];

/**
 * Charges decided and not yet written past which new reservations wait until half of them are:
 * without it, traffic faster than the database can take charges would queue them in memory
 * without bound (and the stored ledger would trail further and further).
 */
export const MAX_PENDING_CHARGES = 512;

/**
 * Decided charges go to the database together, at most this long after the first of them: sent
 * one by one, each group commit took the few charges decided during the one before, a
 * transaction every few milliseconds at any load. Charges are journaled before the answer, so the
 * wait risks nothing; only the stored ledger trails by up to this much more. Not longer: a
 * window's transaction is a burst of database work that, on a small machine, delays the requests
 * it overlaps (concurrency 1, p99: 2.8-3.0 ms with 20 ms windows, 3.2-3.7 ms with 50 ms).
 */
export const CHARGE_WINDOW_MS = 20;
/** A window this full is sent at once (the ledger writer's batch size). */
export const CHARGE_WINDOW_MAX = 256;

export class LeaseBook {
  private readonly leases = new Map<string, Lease>();
  private readonly writes = new Set<Promise<unknown>>();
  /** Reservations waiting for the pending charges to fall below the limit. */
  private waiting: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** The charges waiting to be sent to the database together (see CHARGE_WINDOW_MS). */
  private window?: { opened: Promise<void>; send: () => void; size: number; timer: NodeJS.Timeout };

  constructor(private readonly opts: LeaseBookOptions) {}

  /** Reserves `amount` from the payer's lease, taking more from the balance when it runs short. */
  async reserve(accountId: string, amount: number, now = Date.now()): Promise<LeaseReservation> {
    if (!Number.isSafeInteger(amount) || amount < 0) return { ok: false, amount, available: 0 };
    if (this.writes.size >= MAX_PENDING_CHARGES) await new Promise<void>((resolve) => this.waiting.push(resolve));
    for (;;) {
      const lease = this.leaseOf(accountId);
      if (lease.free >= amount && !lease.lost) {
        lease.free -= amount;
        lease.inFlight++;
        lease.lastUsed = now;
        return { ok: true, lease, amount };
      }
      if (lease.taking) {
        await lease.taking.catch(() => undefined);
        continue;
      }
      const taken = await this.take(lease, amount);
      if (!taken.ok) return { ok: false, amount, available: Math.max(0, lease.lost ? 0 : lease.free) + Math.max(0, taken.available) };
    }
  }

  /**
   * The attempt delivered: charges it. A charge above the reservation comes from the lease's free
   * credit as far as it goes; the rest is the payer's shortfall (not collected). Synchronous up to
   * the journal write, so the charge is on local disk before the caller answers.
   */
  settle(lease: Lease, reserved: number, facts: ChargeFacts): DecidedCharge {
    const fromReserve = Math.min(facts.charged, reserved);
    const extra = lease.lost ? 0 : Math.min(facts.charged - fromReserve, Math.max(0, lease.free));
    const collected = fromReserve + extra;
    lease.free += reserved - fromReserve - extra;
    lease.held -= collected;
    lease.inFlight--;
    // Object.assign, not a leading spread given new keys: Node 20 keeps those past young collections (docs/performance.md).
    return this.record(lease, Object.assign({}, facts, { reserved, collected, status: 'settled' as const }));
  }

  /** The attempt delivered nothing: its reservation goes back to the lease, and a released settlement row is written. */
  release(lease: Lease, reserved: number, facts: ReleaseFacts): DecidedCharge {
    lease.free += reserved;
    lease.inFlight--;
    return this.record(lease, Object.assign({}, facts, { charged: 0, gross: 0, tokens: 0, reserved, collected: 0, status: 'released' as const }));
  }

  /** Looks after the leases about every second: renewals are due every third of the lease life. */
  start(): void {
    const next = () => {
      const { ttlMs, idleMs } = this.opts.sizing();
      // At most a second apart, so a changed lease life or idle time applies within a second.
      const every = Math.max(200, Math.min(1_000, Math.floor(ttlMs / 3), idleMs));
      this.timer = setTimeout(() => {
        void this.maintain()
          .catch((err: Error) => this.opts.logger.error({ err: err.message }, 'billing: lease upkeep failed'))
          .finally(() => {
            if (this.timer) next();
          });
      }, every);
      this.timer.unref();
    };
    next();
  }

  /** Extends the leases in use and gives back those idle past `idleMs`. */
  async maintain(now = Date.now()): Promise<void> {
    const { idleMs, ttlMs } = this.opts.sizing();
    const renew: Lease[] = [];
    for (const lease of this.leases.values()) {
      if (!lease.id || lease.lost || lease.taking) continue;
      if (lease.inFlight === 0 && now - lease.lastUsed >= idleMs) await this.giveBack(lease, now);
      else if (now - lease.renewedAt >= ttlMs / 3) renew.push(lease);
    }
    if (renew.length === 0) return;
    const ids = renew.map((l) => l.id!);
    const renewed: Array<{ id: string }> = await this.opts.db('billing_holds').whereIn('id', ids).andWhere({ status: 'open' }).update({ expires_at: now + ttlMs }, ['id']);
    const alive = new Set(renewed.map((r) => r.id));
    for (const lease of renew) {
      if (alive.has(lease.id!)) {
        lease.renewedAt = now;
        continue;
      }
      // Expired under us: what it held is back in the balance; new requests start a new lease.
      lease.lost = true;
      this.leases.delete(lease.accountId);
      this.opts.logger.warn({ account: lease.accountId, lease: lease.id }, 'billing: a credit lease expired before it was renewed; its charges in flight are taken from the balance');
    }
  }

  /** Charges decided and not yet written (a gauge for operators; bounded by MAX_PENDING_CHARGES). */
  get pendingCharges(): number {
    return this.writes.size;
  }

  /** Waits for every decided charge to be written. */
  async flush(): Promise<void> {
    this.window?.send();
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
    await this.opts.ledger.drain();
  }

  /** Writes what is pending and gives every lease back (clean shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.closed = true;
    for (const lease of this.leases.values()) {
      if (lease.id && !lease.lost && !lease.taking) await this.giveBack(lease, Date.now()).catch((err: Error) => this.opts.logger.error({ err: err.message, lease: lease.id }, 'billing: could not give a credit lease back; it expires by itself'));
    }
  }

  private leaseOf(accountId: string): Lease {
    let lease = this.leases.get(accountId);
    if (!lease || lease.lost) {
      lease = { accountId, id: null, held: 0, free: 0, inFlight: 0, lastUsed: Date.now(), renewedAt: Date.now(), lost: false };
      this.leases.set(accountId, lease);
    }
    return lease;
  }

  /** Takes at least what the waiting request lacks, and a lease's worth if the balance has it. */
  private take(lease: Lease, amount: number): Promise<LeaseTakeResult> {
    const { size, ttlMs } = this.opts.sizing();
    const need = amount - Math.max(0, lease.free);
    const taking = this.opts.ledger
      .submit(lease.accountId, { kind: 'lease-take', input: { accountId: lease.accountId, leaseId: lease.id, need, want: Math.max(need, size), ttlMs, owner: this.opts.owner } })
      .then((r) => {
        const result = r as LeaseTakeResult;
        if (result.ok && result.added > 0) {
          if (result.leaseId !== lease.id && lease.id) {
            // The old row had expired: its credit is back in the balance, and what this instance
            // still counted in it is gone with it.
            lease.held = 0;
            lease.free = -sumReserved(lease);
          }
          lease.id = result.leaseId;
          lease.renewedAt = Date.now();
          lease.held += result.added;
          lease.free += result.added;
        }
        return result;
      })
      .finally(() => {
        lease.taking = undefined;
      });
    lease.taking = taking;
    return taking;
  }

  private async giveBack(lease: Lease, now: number): Promise<void> {
    const id = lease.id!;
    this.leases.delete(lease.accountId);
    await this.opts.ledger.submit(lease.accountId, { kind: 'lease-return', input: { accountId: lease.accountId, leaseId: id, now } });
  }

  private record(lease: Lease, facts: Omit<LeaseChargeInput, 'settlementId' | 'accountId' | 'leaseId'>): DecidedCharge {
    const charge: LeaseChargeInput = { settlementId: newId('stl'), accountId: lease.accountId, leaseId: lease.id, ...facts };
    this.opts.journal?.append(charge);
    const written = this.write(charge);
    this.writes.add(written);
    void written.finally(() => {
      this.writes.delete(written);
      if (this.waiting.length > 0 && this.writes.size <= MAX_PENDING_CHARGES / 2) {
        const waiting = this.waiting;
        this.waiting = [];
        for (const resume of waiting) resume();
      }
    });
    return { settlementId: charge.settlementId, charged: charge.charged, collected: charge.collected, written };
  }

  /** Submits a decided charge, retrying while the database refuses; one that never lands stays in the journal. */
  private async write(charge: LeaseChargeInput): Promise<LeaseChargeResult | undefined> {
    await this.chargeWindow();
    for (let attempt = 0; ; attempt++) {
      try {
        const result = (await this.opts.ledger.submit(charge.accountId, { kind: 'lease-charge', input: charge })) as LeaseChargeResult;
        this.opts.journal?.stored([charge]);
        return result;
      } catch (err) {
        if (this.closed || attempt >= 20) {
          this.opts.logger.error({ err: (err as Error).message, requestId: charge.requestId }, 'billing: a charge could not be written; it stays in the charge journal for the next start');
          return undefined;
        }
        await new Promise((r) => setTimeout(r, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      }
    }
  }

  /** Resolves when the current window of charges is sent: CHARGE_WINDOW_MS after it opened, when full, or on flush. */
  private chargeWindow(): Promise<void> {
    let window = this.window;
    if (!window) {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const send = () => {
        if (this.window !== window) return;
        this.window = undefined;
        clearTimeout(window!.timer);
        open();
      };
      window = { opened, send, size: 0, timer: setTimeout(send, CHARGE_WINDOW_MS) };
      this.window = window;
    }
    window.size++;
    if (window.size >= CHARGE_WINDOW_MAX) window.send();
    return window.opened;
  }
}

/** What a lease's reservations in flight hold: `held - free`, before either changed. */
function sumReserved(lease: Lease): number {
  return lease.held - lease.free;
}
