import { addEvent, bucketOf, cloneRow, DIMENSIONS, dimensionValues, emptyRow, FAMILIES, GRAIN_MS, GRAINS, mergeRow, rowKey, type Grain, type RollupFamily, type RollupRow } from './rollup-row';
import type { UsageEvent } from './usage-event';

/** How long rows stay in memory after the newest bucket seen moved past them. */
const KEEP_MS: Record<Grain, number> = { minute: 10 * 60_000, hour: 2 * 3_600_000, day: 2 * 86_400_000 };

/** Rows by key, one map per family and grain (indexed like FAMILIES and GRAINS). */
export type RowSets = Array<Array<Map<string, RollupRow>>>;
export type BucketLoader = (family: RollupFamily, grain: Grain, bucket: number) => Promise<RollupRow[]>;

/** The family with every dimension (its rows' dims are in DIMENSIONS order). */
const WIDEST = FAMILIES.find((f) => f.dims.length === DIMENSIONS.length)!;
/** Per family, where each of its dimensions sits in DIMENSIONS. */
const DIMENSION_INDEXES = FAMILIES.map((f) => f.dims.map((d) => DIMENSIONS.indexOf(d)));

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
    // Each event is added to one row: the batch's change to its minute in the widest family. The
    // other families and grains are sums of those changes, folded in once per changed row, not
    // once per event (nine additions per event made this the flush's longest stretch of work).
    const changes = new Map<string, RollupRow>();
    for (const e of events) {
      const minute = bucketOf(e.ts, 'minute');
      const values = dimensionValues(e);
      const dims = DIMENSIONS.map((d) => values[d]);
      const key = rowKey(minute, dims);
      let change = changes.get(key);
      if (!change) {
        change = emptyRow(WIDEST, 'minute', minute, this.instanceId, dims);
        changes.set(key, change);
      }
      addEvent(change, e);
    }
    const out = rowSets();
    for (const change of changes.values()) {
      for (let fi = 0; fi < FAMILIES.length; fi++) {
        const f = FAMILIES[fi];
        const dims = DIMENSION_INDEXES[fi].map((i) => change.dims[i]);
        for (let gi = 0; gi < GRAINS.length; gi++) {
          const bucket = bucketOf(change.bucket, GRAINS[gi]);
          const key = rowKey(bucket, dims);
          const changed = out[fi][gi];
          let row = changed.get(key);
          if (!row) {
            const current = this.rows[fi][gi].get(key);
            row = current ? cloneRow(current) : emptyRow(f, GRAINS[gi], bucket, this.instanceId, dims);
            changed.set(key, row);
          }
          mergeRow(row, change);
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
