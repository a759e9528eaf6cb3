import { Histogram } from './histogram';
import type { UsageEvent } from './usage-event';

export type Grain = 'minute' | 'hour' | 'day';
export const GRAINS: readonly Grain[] = ['minute', 'hour', 'day'];
export const GRAIN_MS: Record<Grain, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
export const ROLLUP_TABLE: Record<Grain, string> = { minute: 'usage_rollup_minute', hour: 'usage_rollup_hour', day: 'usage_rollup_day' };

/** The rollup dimensions, as columns. Day buckets are UTC days. */
export const DIMENSIONS = ['endpoint', 'provider_id', 'model_id', 'pipeline_id', 'key_id', 'user_id', 'project_id'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const ROLLUP_KEY = ['bucket', 'instance_id', ...DIMENSIONS] as const;

export const SUM_COLUMNS = [
  'requests', 'errors', 'cache_hits', 'streams', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens',
  'images', 'cost_micros', 'credits_micros', 'latency_sum_ms', 'ttft_sum_ms', 'ttft_count',
] as const;
export type SumColumn = (typeof SUM_COLUMNS)[number];

export type RollupRow = { bucket: number; instance_id: string } & Record<Dimension, string> & Record<SumColumn, number> & { latency: Histogram; ttft: Histogram };

export const bucketOf = (ts: number, grain: Grain) => ts - (((ts % GRAIN_MS[grain]) + GRAIN_MS[grain]) % GRAIN_MS[grain]);

export function dimensionsOf(e: UsageEvent): Record<Dimension, string> {
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

export function rowKey(row: { bucket: number } & Record<Dimension, string>): string {
  let k = String(row.bucket);
  for (const d of DIMENSIONS) k += '\u0001' + row[d];
  return k;
}

export function emptyRow(bucket: number, instanceId: string, dims: Record<Dimension, string>): RollupRow {
  const row = { bucket, instance_id: instanceId, ...dims, latency: new Histogram(), ttft: new Histogram() } as RollupRow;
  for (const c of SUM_COLUMNS) row[c] = 0;
  return row;
}

export function cloneRow(row: RollupRow): RollupRow {
  return { ...row, latency: row.latency.clone(), ttft: row.ttft.clone() };
}

/** Adds one event. Errors are statuses >= 400; TTFT is a streaming measure, so only streams count. */
export function addEvent(row: RollupRow, e: UsageEvent): void {
  row.requests += 1;
  if (e.status >= 400) row.errors += 1;
  if (e.cacheHit) row.cache_hits += 1;
  if (e.stream) row.streams += 1;
  row.prompt_tokens += e.promptTokens;
  row.completion_tokens += e.completionTokens;
  row.cached_tokens += e.cachedTokens;
  row.reasoning_tokens += e.reasoningTokens;
  row.images += e.images;
  row.cost_micros += e.costMicros ?? 0;
  row.credits_micros += e.creditsMicros ?? 0;
  row.latency_sum_ms += e.latencyMs;
  row.latency.add(e.latencyMs);
  if (e.stream && e.ttftMs !== null) {
    row.ttft_sum_ms += e.ttftMs;
    row.ttft_count += 1;
    row.ttft.add(e.ttftMs);
  }
}

export function toDbRow(row: RollupRow): Record<string, unknown> {
  const { latency, ttft, ...rest } = row;
  return { ...rest, latency_hist: latency.encode(), ttft_hist: ttft.encode() };
}

export function fromDbRow(r: Record<string, unknown>): RollupRow {
  const row = { bucket: Number(r.bucket), instance_id: String(r.instance_id), latency: Histogram.decode(String(r.latency_hist)), ttft: Histogram.decode(String(r.ttft_hist)) } as RollupRow;
  for (const d of DIMENSIONS) row[d] = String(r[d]);
  for (const c of SUM_COLUMNS) row[c] = Number(r[c]);
  return row;
}
