import { Histogram } from './histogram';
import type { UsageEvent } from './usage-event';

export type Grain = 'minute' | 'hour' | 'day';
export const GRAINS: readonly Grain[] = ['minute', 'hour', 'day'];
export const GRAIN_MS: Record<Grain, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Every rollup dimension, as columns. Day buckets are UTC days. */
export const DIMENSIONS = ['endpoint', 'provider_id', 'model_id', 'pipeline_id', 'key_id', 'user_id', 'project_id'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * A set of rollup tables (one per grain) keeping some of the dimensions. The more dimensions,
 * the more rows: queries use the smallest family that has the dimensions they need.
 */
export interface RollupFamily {
  id: 'traffic' | 'identity' | 'full';
  dims: readonly Dimension[];
  table: Record<Grain, string>;
}

const tables = (prefix: string): Record<Grain, string> => ({ minute: `${prefix}_minute`, hour: `${prefix}_hour`, day: `${prefix}_day` });

/** Smallest first. */
export const FAMILIES: readonly RollupFamily[] = [
  { id: 'traffic', dims: ['endpoint', 'provider_id', 'model_id', 'pipeline_id'], table: tables('usage_traffic') },
  { id: 'identity', dims: ['endpoint', 'key_id', 'user_id', 'project_id'], table: tables('usage_identity') },
  { id: 'full', dims: DIMENSIONS, table: tables('usage_rollup') },
];

/** The smallest family with every dimension asked for. */
export function familyFor(needed: Iterable<Dimension>): RollupFamily {
  const list = [...needed];
  return FAMILIES.find((f) => list.every((d) => f.dims.includes(d)))!;
}

export const SUM_COLUMNS = [
  'requests', 'errors', 'cache_hits', 'streams', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens',
  'images', 'cost_micros', 'credits_micros', 'latency_sum_ms', 'ttft_sum_ms', 'ttft_count',
] as const;
export type SumColumn = (typeof SUM_COLUMNS)[number];

export type RollupRow = {
  family: RollupFamily;
  grain: Grain;
  bucket: number;
  instanceId: string;
  /** Values of `family.dims`, in order; '' when the event has none. */
  dims: string[];
  sums: Record<SumColumn, number>;
  latency: Histogram;
  ttft: Histogram;
};

export const bucketOf = (ts: number, grain: Grain) => ts - (((ts % GRAIN_MS[grain]) + GRAIN_MS[grain]) % GRAIN_MS[grain]);

export function dimensionValues(e: UsageEvent): Record<Dimension, string> {
  return {
    endpoint: e.endpoint,
    provider_id: e.providerId ?? '',
    model_id: e.modelId ?? '',
    pipeline_id: e.pipelineId ?? '',
    key_id: e.keyId ?? '',
    user_id: e.userId ?? '',
    project_id: e.projectId ?? '',
  };
}

/** Identifies a row within its family and grain. */
export function rowKey(bucket: number, dims: string[]): string {
  return `${bucket}\u0001${dims.join('\u0001')}`;
}

export function emptyRow(family: RollupFamily, grain: Grain, bucket: number, instanceId: string, dims: string[]): RollupRow {
  const sums = {} as Record<SumColumn, number>;
  for (const c of SUM_COLUMNS) sums[c] = 0;
  return { family, grain, bucket, instanceId, dims, sums, latency: new Histogram(), ttft: new Histogram() };
}

export function cloneRow(row: RollupRow): RollupRow {
  return { ...row, sums: { ...row.sums }, latency: row.latency.clone(), ttft: row.ttft.clone() };
}

/** Adds one event. Errors are statuses >= 400; TTFT is a streaming measure, so only streams count. */
export function addEvent(row: RollupRow, e: UsageEvent): void {
  const s = row.sums;
  s.requests += 1;
  if (e.status >= 400) s.errors += 1;
  if (e.cacheHit) s.cache_hits += 1;
  if (e.stream) s.streams += 1;
  s.prompt_tokens += e.promptTokens;
  s.completion_tokens += e.completionTokens;
  s.cached_tokens += e.cachedTokens;
  s.reasoning_tokens += e.reasoningTokens;
  s.images += e.images;
  s.cost_micros += e.costMicros ?? 0;
  s.credits_micros += e.creditsMicros ?? 0;
  s.latency_sum_ms += e.latencyMs;
  row.latency.add(e.latencyMs);
  if (e.stream && e.ttftMs !== null) {
    s.ttft_sum_ms += e.ttftMs;
    s.ttft_count += 1;
    row.ttft.add(e.ttftMs);
  }
}

/** Adds the events another row counted (same measures, any family or grain). */
export function mergeRow(row: RollupRow, other: RollupRow): void {
  for (const c of SUM_COLUMNS) row.sums[c] += other.sums[c];
  row.latency.merge(other.latency);
  row.ttft.merge(other.ttft);
}

/** Column names of a family's tables, in the order `rowValues` gives them. */
export function rowColumns(family: RollupFamily): string[] {
  return ['bucket', 'instance_id', ...family.dims, ...SUM_COLUMNS, 'latency_hist', 'ttft_hist'];
}

export function keyColumns(family: RollupFamily): string[] {
  return ['bucket', 'instance_id', ...family.dims];
}

export function rowValues(row: RollupRow): Array<string | number> {
  return [row.bucket, row.instanceId, ...row.dims, ...SUM_COLUMNS.map((c) => row.sums[c]), row.latency.encode(), row.ttft.encode()];
}

export function fromDbRow(family: RollupFamily, grain: Grain, r: Record<string, unknown>): RollupRow {
  const row = emptyRow(family, grain, Number(r.bucket), String(r.instance_id), family.dims.map((d) => String(r[d])));
  for (const c of SUM_COLUMNS) row.sums[c] = Number(r[c]);
  row.latency = Histogram.decode(String(r.latency_hist));
  row.ttft = Histogram.decode(String(r.ttft_hist));
  return row;
}
