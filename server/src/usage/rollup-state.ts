import { addEvent, bucketOf, cloneRow, dimensionsOf, emptyRow, GRAIN_MS, GRAINS, rowKey, type Grain, type RollupRow } from './rollup-row';
import type { UsageEvent } from './usage-event';

/** How long rows stay in memory after the newest bucket seen moved past them. */
const KEEP_MS: Record<Grain, number> = { minute: 10 * 60_000, hour: 2 * 3_600_000, day: 2 * 86_400_000 };

export type PreparedRollups = Record<Grain, Map<string, RollupRow>>;
export type BucketLoader = (grain: Grain, bucket: number) => Promise<RollupRow[]>;

/**
 * This instance's rollup rows for recent buckets. Each gateway instance owns the rows it writes
 * (its instance id is part of the key), so the copy here is the truth and a flush writes whole
 * rows without reading them back. Rows of older buckets are evicted; a late event for such a
 * bucket (a long stream, a backlog) reloads that bucket's rows first.
 */
export class RollupState {
  private readonly rows: Record<Grain, Map<string, RollupRow>> = { minute: new Map(), hour: new Map(), day: new Map() };
  /** Buckets below this may have stored rows that are not in memory. */
  private readonly evictedBelow: Record<Grain, number> = { minute: -Infinity, hour: -Infinity, day: -Infinity };
  private readonly newest: Record<Grain, number> = { minute: -Infinity, hour: -Infinity, day: -Infinity };

  constructor(readonly instanceId: string) {}

  /** The rows a batch changes, as updated copies. Nothing changes here until `commit`. */
  async prepare(events: UsageEvent[], load: BucketLoader): Promise<PreparedRollups> {
    for (const g of GRAINS) {
      const late = new Set<number>();
      for (const e of events) {
        const b = bucketOf(e.ts, g);
        if (b < this.evictedBelow[g]) late.add(b);
      }
      for (const b of late) {
        for (const row of await load(g, b)) if (!this.rows[g].has(rowKey(row))) this.rows[g].set(rowKey(row), row);
      }
    }
    const out: PreparedRollups = { minute: new Map(), hour: new Map(), day: new Map() };
    for (const e of events) {
      const dims = dimensionsOf(e);
      for (const g of GRAINS) {
        const bucket = bucketOf(e.ts, g);
        const key = rowKey({ bucket, ...dims });
        let row = out[g].get(key);
        if (!row) {
          const current = this.rows[g].get(key);
          row = current ? cloneRow(current) : emptyRow(bucket, this.instanceId, dims);
          out[g].set(key, row);
        }
        addEvent(row, e);
      }
    }
    return out;
  }

  /** Adopts rows once they are stored, then lets go of old buckets. */
  commit(prepared: PreparedRollups): void {
    for (const g of GRAINS) {
      for (const [key, row] of prepared[g]) {
        this.rows[g].set(key, row);
        if (row.bucket > this.newest[g]) this.newest[g] = row.bucket;
      }
      const cutoff = this.newest[g] - KEEP_MS[g];
      if (cutoff >= this.evictedBelow[g] + GRAIN_MS[g]) {
        for (const [key, row] of this.rows[g]) if (row.bucket < cutoff) this.rows[g].delete(key);
        this.evictedBelow[g] = cutoff;
      }
    }
  }

  /** Rows held in memory (for tests and the status endpoint). */
  size(): number {
    return this.rows.minute.size + this.rows.hour.size + this.rows.day.size;
  }
}
