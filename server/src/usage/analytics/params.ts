import { errors } from '@switchyard/core';
import { GRAIN_MS, type Dimension, type Grain } from '../rollup-row';
import { ceilTo, floorTo } from './segments';

/** Query-string filter names and the columns they match. */
export const FILTERS = {
  provider: 'provider_id',
  model: 'model_id',
  user: 'user_id',
  key: 'key_id',
  project: 'project_id',
  pipeline: 'pipeline_id',
  endpoint: 'endpoint',
} as const satisfies Record<string, Dimension>;
export type FilterName = keyof typeof FILTERS;
export type Filters = Partial<Record<FilterName, string[]>>;

export const SORT_KEYS = ['requests', 'errors', 'tokens', 'cost', 'credits', 'latency_p95'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface RangeQuery {
  from: number;
  to: number;
  filters: Filters;
}
export interface TimeseriesQuery extends RangeQuery {
  bucket: Grain;
  groupBy?: FilterName;
  limit: number;
  percentiles: boolean;
}
export interface BreakdownQuery extends RangeQuery {
  by: FilterName;
  sort: SortKey;
  limit: number;
  percentiles: boolean;
}
export interface EventsQuery extends RangeQuery {
  limit: number;
  /** Keyset cursor `<ts>:<id>` from a previous page. */
  before?: { ts: number; id: number };
  status?: 'ok' | 'error';
}

type Raw = Record<string, unknown>;

const MAX_POINTS = 10_000;
const DAY = 86_400_000;

const bad = (param: string, message: string) => errors.invalidRequest(`Invalid value for '${param}': ${message}.`, param, 'invalid_value');

function one(q: Raw, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad(name, 'give it once');
  return v;
}

function checkKnown(q: Raw, allowed: readonly string[]): void {
  for (const name of Object.keys(q)) {
    if (!allowed.includes(name) && !(name in FILTERS)) {
      throw errors.invalidRequest(`Unknown parameter: '${name}'.`, name, 'unknown_parameter');
    }
  }
}

function time(q: Raw, name: string): number | undefined {
  const v = one(q, name);
  if (v === undefined || v === '') return undefined;
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(t)) throw bad(name, 'expected epoch milliseconds or an ISO 8601 time');
  return t;
}

function int(q: Raw, name: string, fallback: number, min: number, max: number): number {
  const v = one(q, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw bad(name, `expected an integer from ${min} to ${max}`);
  return n;
}

function choice<T extends string>(q: Raw, name: string, options: readonly T[], fallback?: T): T | undefined {
  const v = one(q, name);
  if (v === undefined) return fallback;
  if (!options.includes(v as T)) throw bad(name, `expected one of ${options.join(', ')}`);
  return v as T;
}

function bool(q: Raw, name: string, fallback: boolean): boolean {
  const v = choice(q, name, ['true', 'false'] as const);
  return v === undefined ? fallback : v === 'true';
}

/** `model=a,b` or `model=a&model=b`. */
function filters(q: Raw): Filters {
  const out: Filters = {};
  for (const name of Object.keys(FILTERS) as FilterName[]) {
    const v = q[name];
    if (v === undefined) continue;
    const list = (Array.isArray(v) ? v : [v]).flatMap((x) => {
      if (typeof x !== 'string') throw bad(name, 'expected a string');
      return x.split(',');
    });
    const values = list.map((s) => s.trim()).filter(Boolean);
    if (values.length === 0) throw bad(name, 'empty');
    if (values.some((s) => s.length > 200)) throw bad(name, 'too long');
    out[name] = values;
  }
  return out;
}

/**
 * `from`/`to` (epoch ms or ISO 8601) or `range` (`90m`, `24h`, `30d`, ending now); the default is
 * the last 24 hours. Rollups have minute resolution, so the range widens to whole `align` units.
 */
function range(q: Raw, align: number, now: number): { from: number; to: number } {
  const r = one(q, 'range');
  let to = time(q, 'to');
  let from = time(q, 'from');
  if (r !== undefined) {
    const m = /^(\d{1,6})(m|h|d)$/.exec(r);
    if (!m) throw bad('range', "expected a number and a unit: '90m', '24h', '30d'");
    if (from !== undefined) throw bad('range', "give either 'range' or 'from'");
    to ??= now;
    from = to - Number(m[1]) * { m: 60_000, h: 3_600_000, d: DAY }[m[2] as 'm' | 'h' | 'd'];
  }
  to ??= now;
  from ??= to - DAY;
  if (from >= to) throw bad('from', "must be before 'to'");
  return { from: floorTo(from, align), to: ceilTo(to, align) };
}

const RANGE_PARAMS = ['from', 'to', 'range', 'format'];

export function parseSummary(q: Raw, now = Date.now()): RangeQuery & { percentiles: boolean } {
  checkKnown(q, [...RANGE_PARAMS, 'percentiles']);
  return { ...range(q, GRAIN_MS.minute, now), filters: filters(q), percentiles: bool(q, 'percentiles', true) };
}

export function parseTimeseries(q: Raw, now = Date.now()): TimeseriesQuery {
  checkKnown(q, [...RANGE_PARAMS, 'bucket', 'groupBy', 'limit', 'percentiles']);
  const bucket = choice(q, 'bucket', ['minute', 'hour', 'day'] as const, 'hour')!;
  const r = range(q, GRAIN_MS[bucket], now);
  if ((r.to - r.from) / GRAIN_MS[bucket] > MAX_POINTS) throw bad('bucket', `the range holds more than ${MAX_POINTS} ${bucket}s; choose a larger bucket or a shorter range`);
  return {
    ...r,
    bucket,
    filters: filters(q),
    groupBy: choice(q, 'groupBy', Object.keys(FILTERS) as FilterName[]),
    limit: int(q, 'limit', 10, 1, 100),
    percentiles: bool(q, 'percentiles', true),
  };
}

export function parseBreakdown(q: Raw, now = Date.now()): BreakdownQuery {
  checkKnown(q, [...RANGE_PARAMS, 'by', 'sort', 'limit', 'percentiles']);
  const by = choice(q, 'by', Object.keys(FILTERS) as FilterName[]);
  if (!by) throw errors.invalidRequest(`Missing required parameter: 'by'.`, 'by', 'missing_required_parameter');
  return {
    ...range(q, GRAIN_MS.minute, now),
    by,
    filters: filters(q),
    sort: choice(q, 'sort', SORT_KEYS, 'requests')!,
    limit: int(q, 'limit', 50, 1, 1000),
    percentiles: bool(q, 'percentiles', true),
  };
}

export function parseEvents(q: Raw, now = Date.now()): EventsQuery {
  checkKnown(q, [...RANGE_PARAMS, 'limit', 'before', 'status']);
  const before = one(q, 'before');
  const m = before === undefined ? null : /^(\d+):(\d+)$/.exec(before);
  if (before !== undefined && !m) throw bad('before', "expected the 'nextCursor' of a previous page");
  const csv = one(q, 'format') === 'csv';
  return {
    ...range(q, 1, now),
    filters: filters(q),
    // A CSV export may be long (it is written page by page); a JSON page is short.
    limit: int(q, 'limit', csv ? 10_000 : 100, 1, csv ? 1_000_000 : 1000),
    before: m ? { ts: Number(m[1]), id: Number(m[2]) } : undefined,
    status: choice(q, 'status', ['ok', 'error'] as const),
  };
}

export function wantsCsv(q: Raw): boolean {
  return choice(q, 'format', ['json', 'csv'] as const, 'json') === 'csv';
}
