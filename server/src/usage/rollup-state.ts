import { addEvent, bucketOf, cloneRow, dimensionValues, emptyRow, FAMILIES, GRAIN_MS, GRAINS, rowKey, type Grain, type RollupFamily, type RollupRow } from './rollup-row';
import type { UsageEvent } from './usage-event';

/** How long rows stay in memory after the newest bucket seen moved past them. */
const KEEP_MS: Record<Grain, number> = { minute: 10 * 60_000, hour: 2 * 3_600_000, day: 2 * 86_400_000 };

/** Rows by key, one map per family and grain (indexed like FAMILIES and GRAINS). */
export type RowSets = Array<Array<Map<string, RollupRow>>>;
export type BucketLoader = (family: RollupFamily, grain: Grain, bucket: number) => Promise<RollupRow[]>;

function rowSets(): RowSets {
  return FAMILIES.map(() => GRAINS.map(() => new Map<string, RollupRow>()));
}

/**
 * This instance's rollup rows for recent buckets. Each gateway instance owns the rows it writes
 * (its instance id is part of the key), so the copy here is the truth and a flush writes whole
 * rows without reading them back. Rows of older buckets are evicted; a late event for such a
 * bucket (a long stream, a backlog) reloads that bucket's rows first.
 */
export class RollupState {
  private readonly rows = rowSets();
  /** Buckets below this may have stored rows that are not in memory. */
  private readonly evictedBelow: Record<Grain, number> = { minute: -Infinity, hour: -Infinity, day: -Infinity };
  private readonly newest: Record<Grain, number> = { minute: -Infinity, hour: -Infinity, day: -Infinity };

  constructor(readonly instanceId: string) {}

  /** The rows a batch changes, as updated copies. Nothing changes here until `commit`. */
  async prepare(events: UsageEvent[], load: BucketLoader): Promise<RowSets> {
    for (const g of GRAINS) {
      const late = new Set<number>();
      for (const e of events) {
        const b = bucketOf(e.ts, g);
        if (b < this.evictedBelow[g]) late.add(b);
      }
      for (const b of late) {
        for (const [fi, f] of FAMILIES.entries()) {
          const held = this.rows[fi][GRAINS.indexOf(g)];
          for (const row of await load(f, g, b)) {
            const key = rowKey(row.bucket, row.dims);
            if (!held.has(key)) held.set(key, row);
          }
        }
      }
    }
    const out = rowSets();
    for (const e of events) {
      const values = dimensionValues(e);
      const buckets = GRAINS.map((g) => bucketOf(e.ts, g));
      for (let fi = 0; fi < FAMILIES.length; fi++) {
        const f = FAMILIES[fi];
        const dims = f.dims.map((d) => values[d]);
        const dimsKey = dims.join('\u0001');
        for (let gi = 0; gi < GRAINS.length; gi++) {
          const key = `${buckets[gi]}\u0001${dimsKey}`;
          const changed = out[fi][gi];
          let row = changed.get(key);
          if (!row) {
            const current = this.rows[fi][gi].get(key);
            row = current ? cloneRow(current) : emptyRow(f, GRAINS[gi], buckets[gi], this.instanceId, dims);
            changed.set(key, row);
          }
          addEvent(row, e);
        }
      }
    }
    return out;
  }

  /** Adopts rows once they are stored, then lets go of old buckets. */
  commit(prepared: RowSets): void {
    GRAINS.forEach((g, gi) => {
      prepared.forEach((byGrain, fi) => {
        const held = this.rows[fi][gi];
        for (const [key, row] of byGrain[gi]) {
          held.set(key, row);
          if (row.bucket > this.newest[g]) this.newest[g] = row.bucket;
        }
      });
      const cutoff = this.newest[g] - KEEP_MS[g];
      if (cutoff >= this.evictedBelow[g] + GRAIN_MS[g]) {
        for (const byGrain of this.rows) for (const [key, row] of byGrain[gi]) if (row.bucket < cutoff) byGrain[gi].delete(key);
        this.evictedBelow[g] = cutoff;
      }
    });
  }

  /** Rows held in memory (for tests and the status endpoint). */
  size(): number {
    let n = 0;
    for (const byGrain of this.rows) for (const m of byGrain) n += m.size;
    return n;
  }
}
