/* Shapes of /api/analytics (server/src/usage/analytics). */

export interface Distribution {
  avg: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface AnalyticsMetrics {
  requests: number;
  errors: number;
  errorRate: number;
  cacheHits: number;
  streams: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  images: number;
  costMicros: number;
  creditsMicros: number;
  latencyMs: Distribution | null;
  ttftMs: Distribution | null;
}

export interface TimeseriesPoint extends AnalyticsMetrics {
  t: number;
}

export interface Timeseries {
  from: number;
  to: number;
  bucket: 'minute' | 'hour' | 'day';
  points: TimeseriesPoint[];
  groupBy?: Dimension;
  series?: Array<{ key: string | null; points: TimeseriesPoint[] }>;
  omittedGroups?: number;
}

export interface BreakdownRow extends AnalyticsMetrics {
  key: string | null;
}

export const DIMENSIONS = ['provider', 'model', 'user', 'key', 'pipeline', 'project', 'endpoint'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface UsageEventView {
  id: number;
  time: number;
  requestId: string;
  endpoint: string;
  authMethod: string | null;
  keyId: string | null;
  userId: string | null;
  pipelineId: string | null;
  pipelineVersion: number | null;
  requestedModel: string;
  providerId: string | null;
  modelId: string | null;
  attempts: number;
  status: number;
  errorType: string | null;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  costMicros: number | null;
  creditsMicros: number | null;
  latencyMs: number;
  ttftMs: number | null;
  stream: boolean;
  cacheHit: boolean;
}

/** The time ranges offered, and the bucket that gives each a readable number of points. */
export const RANGES = [
  { id: '1h', label: 'Last hour', bucket: 'minute' },
  { id: '6h', label: 'Last 6 hours', bucket: 'minute' },
  { id: '24h', label: 'Last 24 hours', bucket: 'hour' },
  { id: '7d', label: 'Last 7 days', bucket: 'hour' },
  { id: '30d', label: 'Last 30 days', bucket: 'day' },
  { id: '90d', label: 'Last 90 days', bucket: 'day' },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q.toString();
}
