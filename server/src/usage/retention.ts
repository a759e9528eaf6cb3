import type { Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { FAMILIES, GRAIN_MS, GRAINS, type Grain } from './rollup-row';
import type { RetentionDays } from './settings';

const DAY = 86_400_000;
const SETTINGS_KEY = 'retention';
/** Raw rows deleted per statement, so a large purge never holds a long lock. */
const RAW_CHUNK = 10_000;
/** Span of buckets deleted per statement, per rollup table. */
const ROLLUP_STEP: Record<Grain, number> = { minute: 3_600_000, hour: DAY, day: 30 * DAY };

/** Rows deleted: raw events, and rollup rows per grain (all families). */
export type PurgeResult = { rawEvents: number } & Record<Grain, number>;

const GRAIN_DAYS: Record<Grain, keyof RetentionDays> = { minute: 'minuteDays', hour: 'hourDays', day: 'dayDays' };

/**
 * How long usage data is kept, and the periodic purge. Defaults come from the environment; an
 * operator's change through the API is stored and wins. Every instance may purge: deleting what
 * is already gone is harmless.
 */
export class Retention {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: Db,
    private readonly defaults: RetentionDays,
    private readonly logger: Logger,
  ) {}

  async get(): Promise<RetentionDays> {
    const row = await this.db('usage_settings').where({ key: SETTINGS_KEY }).first();
    const stored = row ? (JSON.parse(String(row.value)) as Partial<RetentionDays>) : {};
    return { ...this.defaults, ...stored };
  }

  async set(change: Partial<RetentionDays>): Promise<RetentionDays> {
    const next = { ...(await this.get()), ...change };
    const value = JSON.stringify(next);
    await this.db('usage_settings').insert({ key: SETTINGS_KEY, value, updated_at: Date.now() }).onConflict('key').merge();
    return next;
  }

  async purge(now = Date.now()): Promise<PurgeResult> {
    const days = await this.get();
    const result = { rawEvents: 0, minute: 0, hour: 0, day: 0 } as PurgeResult;
    const rawCutoff = now - days.rawDays * DAY;
    for (;;) {
      const n = await this.db('usage_events')
        .whereIn('id', this.db('usage_events').select('id').where('ts', '<', rawCutoff).limit(RAW_CHUNK))
        .del();
      result.rawEvents += n;
      if (n < RAW_CHUNK) break;
    }
    for (const g of GRAINS) {
      // Keep a bucket while any part of it is inside the retained period.
      const last = now - days[GRAIN_DAYS[g]] * DAY - GRAIN_MS[g];
      for (const family of FAMILIES) {
        const table = family.table[g];
        const oldest = await this.db(table).min({ b: 'bucket' }).first();
        let from = oldest?.b === null || oldest?.b === undefined ? Infinity : Number(oldest.b);
        while (from <= last) {
          const to = Math.min(from + ROLLUP_STEP[g], last + 1);
          result[g] += await this.db(table).where('bucket', '<', to).del();
          from = to;
        }
      }
    }
    return result;
  }

  /** Purges now and then every `intervalMs`; failures are logged and retried at the next run. */
  start(intervalMs: number): void {
    const run = () => {
      if (!this.timer) return; // stopped
      this.running ??= this.purge()
        .then((r) => {
          if (r.rawEvents + r.minute + r.hour + r.day > 0) this.logger.info({ purged: r }, 'usage retention purge');
        })
        .catch((err) => this.logger.error({ err: { message: (err as Error).message } }, 'usage retention purge failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    setImmediate(run);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
