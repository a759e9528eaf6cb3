import type { Knex } from 'knex';
import type { Db } from '../../db/connect';
import { familyFor, GRAIN_MS, SUM_COLUMNS, type Dimension, type Grain, type RollupFamily } from '../rollup-row';
import { Accumulator, type AnalyticsMetrics } from './accumulator';
import { FILTERS, type BreakdownQuery, type FilterName, type Filters, type RangeQuery, type SortKey, type TimeseriesQuery } from './params';
import { segmentsFor, type Segment } from './segments';

/** How rows are grouped: by time bucket (a series), by a dimension (a breakdown), or both. */
interface Grouping {
  bucketMs?: number;
  column?: Dimension;
}

interface Group {
  t: number | null;
  key: string | null;
  acc: Accumulator;
}

export interface TimeseriesPoint extends AnalyticsMetrics {
  t: number;
}
/** GET /api/analytics/timeseries: one point per bucket, and per group when grouped. */
export interface Timeseries {
  from: number;
  to: number;
  bucket: Grain;
  points: TimeseriesPoint[];
  groupBy?: FilterName;
  series?: Array<{ key: string | null; points: TimeseriesPoint[] }>;
  /** Groups beyond the limit, left out of `series`. */
  omittedGroups?: number;
}

export interface BreakdownRow extends AnalyticsMetrics {
  /** The dimension's value; null for requests without one (e.g. no pipeline). */
  key: string | null;
}

const SORTERS: Record<SortKey, (m: AnalyticsMetrics) => number> = {
  requests: (m) => m.requests,
  errors: (m) => m.errors,
  tokens: (m) => m.totalTokens,
  cost: (m) => m.costMicros,
  credits: (m) => m.creditsMicros,
  latency_p95: (m) => m.latencyMs?.p95 ?? -1,
};

/**
 * Answers analytics from the rollup tables only: the smallest rollup family with the dimensions
 * the query filters and groups by (rollup-row.ts), each query range split into day, hour and
 * minute segments (segments.ts), sums grouped in SQL, latency/TTFT histograms merged here for
 * the percentiles. Raw events are never scanned, so the cost follows the number of
 * rollup rows in the range, not the number of requests.
 */
export class AnalyticsService {
  constructor(private readonly db: Db) {}

  async summary(q: RangeQuery & { percentiles: boolean }): Promise<{ from: number; to: number; totals: AnalyticsMetrics }> {
    const groups = await this.collect(segmentsFor(q.from, q.to), q.filters, {}, q.percentiles);
    const acc = [...groups.values()][0]?.acc ?? new Accumulator(); // ungrouped: at most one group
    return { from: q.from, to: q.to, totals: acc.metrics(q.percentiles) };
  }

  async timeseries(q: TimeseriesQuery): Promise<Timeseries> {
    const bucketMs = GRAIN_MS[q.bucket];
    const grouping: Grouping = { bucketMs, column: q.groupBy && FILTERS[q.groupBy] };
    const groups = [...(await this.collect(segmentsFor(q.from, q.to, q.bucket), q.filters, grouping, q.percentiles)).values()];

    const byTime = new Map<number, Accumulator>();
    for (const g of groups) {
      const acc = byTime.get(g.t!) ?? new Accumulator();
      acc.merge(g.acc);
      byTime.set(g.t!, acc);
    }
    const fill = (accs: Map<number, Accumulator>): TimeseriesPoint[] => {
      const points: TimeseriesPoint[] = [];
      for (let t = q.from; t < q.to; t += bucketMs) points.push({ t, ...(accs.get(t) ?? new Accumulator()).metrics(q.percentiles) });
      return points;
    };
    const result = { from: q.from, to: q.to, bucket: q.bucket, points: fill(byTime) };
    if (!q.groupBy) return result;

    const perKey = new Map<string | null, { total: number; accs: Map<number, Accumulator> }>();
    for (const g of groups) {
      const entry = perKey.get(g.key) ?? { total: 0, accs: new Map() };
      entry.total += g.acc.sums.requests;
      entry.accs.set(g.t!, g.acc);
      perKey.set(g.key, entry);
    }
    const ranked = [...perKey.entries()].sort((a, b) => b[1].total - a[1].total);
    return {
      ...result,
      groupBy: q.groupBy,
      series: ranked.slice(0, q.limit).map(([key, e]) => ({ key, points: fill(e.accs) })),
      omittedGroups: Math.max(0, ranked.length - q.limit),
    };
  }

  async breakdown(q: BreakdownQuery): Promise<{ from: number; to: number; by: FilterName; groups: number; rows: BreakdownRow[] }> {
    const groups = await this.collect(segmentsFor(q.from, q.to), q.filters, { column: FILTERS[q.by] }, q.percentiles || q.sort === 'latency_p95');
    const rows = [...groups.values()].map((g) => ({ key: g.key, ...g.acc.metrics(q.percentiles || q.sort === 'latency_p95') }));
    const score = SORTERS[q.sort];
    rows.sort((a, b) => score(b) - score(a) || String(a.key).localeCompare(String(b.key)));
    return { from: q.from, to: q.to, by: q.by, groups: rows.length, rows: rows.slice(0, q.limit) };
  }

  private async collect(segments: Segment[], filters: Filters, grouping: Grouping, percentiles: boolean): Promise<Map<string, Group>> {
    const needed = (Object.keys(filters) as FilterName[]).map((f) => FILTERS[f] as Dimension);
    if (grouping.column) needed.push(grouping.column);
    const family = familyFor(needed);
    const groups = new Map<string, Group>();
    const groupOf = (row: Record<string, unknown>): Group => {
      const t = grouping.bucketMs ? Number(row.t) : null;
      const key = grouping.column ? (String(row.g) === '' ? null : String(row.g)) : null;
      const id = `${t ?? ''}\u0001${key ?? ''}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { t, key, acc: new Accumulator() }));
      return g;
    };
    const results = await Promise.all(
      segments.map(async (seg) => {
        const sums = await this.sumsQuery(family, seg, filters, grouping);
        const hists = percentiles ? await this.histogramQuery(family, seg, filters, grouping) : [];
        return { sums, hists };
      }),
    );
    for (const { sums, hists } of results) {
      for (const row of sums) groupOf(row).acc.addSums(row);
      for (const row of hists) groupOf(row).acc.addHistograms(String(row.latency_hist), String(row.ttft_hist));
    }
    return groups;
  }

  private base(family: RollupFamily, seg: Segment, filters: Filters): Knex.QueryBuilder {
    const qb = this.db(family.table[seg.grain]).where('bucket', '>=', seg.from).andWhere('bucket', '<', seg.to);
    for (const [name, values] of Object.entries(filters) as Array<[FilterName, string[]]>) qb.whereIn(FILTERS[name], values);
    return qb;
  }

  /** Group expressions; numbers are our own constants, inlined so PostgreSQL sees one expression in SELECT and GROUP BY. */
  private groupColumns(seg: Segment, grouping: Grouping): string[] {
    const cols: string[] = [];
    if (grouping.bucketMs) {
      const size = grouping.bucketMs;
      cols.push(size === GRAIN_MS[seg.grain] ? 'bucket' : `(bucket - (bucket % ${Math.trunc(size)}))`);
    }
    if (grouping.column) cols.push(grouping.column);
    return cols;
  }

  private async sumsQuery(family: RollupFamily, seg: Segment, filters: Filters, grouping: Grouping): Promise<Array<Record<string, unknown>>> {
    const cols = this.groupColumns(seg, grouping);
    const aliases = this.aliases(grouping);
    const select = [...cols.map((c, i) => `${c} as ${aliases[i]}`), ...SUM_COLUMNS.map((c) => `sum(${c}) as ${c}`)].join(', ');
    const qb = this.base(family, seg, filters).select(this.db.raw(select));
    if (cols.length) qb.groupByRaw(cols.join(', '));
    return qb;
  }

  private async histogramQuery(family: RollupFamily, seg: Segment, filters: Filters, grouping: Grouping): Promise<Array<Record<string, unknown>>> {
    const cols = this.groupColumns(seg, grouping);
    const aliases = this.aliases(grouping);
    const select = [...cols.map((c, i) => `${c} as ${aliases[i]}`), 'latency_hist', 'ttft_hist'].join(', ');
    return this.base(family, seg, filters).select(this.db.raw(select));
  }

  private aliases(grouping: Grouping): string[] {
    return [...(grouping.bucketMs ? ['t'] : []), ...(grouping.column ? ['g'] : [])];
  }
}
