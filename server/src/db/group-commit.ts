import type { Db } from './connect';

/**
 * Applies a batch of items inside one transaction and returns one result per item, in order.
 * It must behave exactly as if the items had run one after another, each in its own transaction.
 * An expected refusal (say, not enough credit) is a result, not a throw: a throw rolls back the batch.
 */
export type ApplyBatch<Item, Result> = (trx: Db, items: Item[]) => Promise<Result[]>;

export interface GroupCommitOptions {
  /** Most items in one transaction. */
  maxBatch?: number;
  /**
   * Independent queues (PostgreSQL can commit on several connections at once); a key always goes
   * to the same lane. SQLite has one writer: one lane.
   */
  lanes?: number;
}

interface Pending<Item, Result> {
  key: string;
  item: Item;
  resolve(value: Result): void;
  reject(err: unknown): void;
}

/**
 * Group commit: items submitted while a transaction is committing wait, and then all go into the
 * next transaction together. The first item waits for nothing but the microtasks already queued
 * (a lone request pays for one transaction, as before); under load, one transaction (one fsync on
 * SQLite, one round of row locks on PostgreSQL, and set-based statements in `apply`) serves a
 * whole batch instead of every request paying for its own.
 *
 * Items are sorted by key within a batch (same-key items keep their submission order), so two
 * instances' batches lock rows in the same order. When a batch fails (one bad item, a deadlock),
 * nothing of it was written; each item is then applied again alone, so only the one at fault fails.
 */
export class GroupCommit<Item, Result> {
  private readonly lanes: Array<Lane<Item, Result>>;

  constructor(db: Db, apply: ApplyBatch<Item, Result>, options: GroupCommitOptions = {}) {
    const count = Math.max(1, options.lanes ?? 1);
    const maxBatch = Math.max(1, options.maxBatch ?? 64);
    this.lanes = Array.from({ length: count }, () => new Lane(db, apply, maxBatch));
  }

  submit(key: string, item: Item): Promise<Result> {
    const lane = this.lanes.length === 1 ? this.lanes[0] : this.lanes[hash(key) % this.lanes.length];
    return lane.submit(key, item);
  }

  /** Resolves once every item submitted so far has committed (or failed). */
  async drain(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.idle()));
  }
}

class Lane<Item, Result> {
  private queue: Array<Pending<Item, Result>> = [];
  private running?: Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly apply: ApplyBatch<Item, Result>,
    private readonly maxBatch: number,
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ key, item, resolve, reject });
      this.running ??= this.loop();
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    // Starts after the current job's microtasks: items submitted together (a window of lease
    // charges released at once) then share the first transaction instead of the first going alone.
    await undefined;
    try {
      while (this.queue.length > 0) {
        const batch = sortByKey(this.queue.splice(0, this.maxBatch));
        if (!(await this.commit(batch)) && batch.length > 1) {
          for (const one of batch) await this.commit([one]);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  /** True when the batch committed (its items are resolved); a lone item's failure rejects it. */
  private async commit(batch: Array<Pending<Item, Result>>): Promise<boolean> {
    let results: Result[];
    try {
      results = await this.db.transaction((trx) => this.apply(trx, batch.map((p) => p.item)));
    } catch (err) {
      if (batch.length === 1) batch[0].reject(err);
      return false;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
    return true;
  }
}

/** Stable: items with the same key keep their submission order. */
function sortByKey<T extends { key: string }>(batch: T[]): T[] {
  return batch
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.key < b.p.key ? -1 : a.p.key > b.p.key ? 1 : a.i - b.i))
    .map((x) => x.p);
}

/** FNV-1a: spreads keys over lanes. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
