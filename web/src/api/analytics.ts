/* Shapes of /api/analytics (server/src/usage/analytics). */

// The wire shapes are the server's own types (type-only imports: nothing of the server is bundled).
import type { AnalyticsMetrics, Distribution } from '../../../server/src/usage/analytics/accumulator';
import type { BreakdownRow, Timeseries, TimeseriesPoint } from '../../../server/src/usage/analytics/analytics-service';
import type { UsageEventView } from '../../../server/src/usage/analytics/events-query';
import type { FilterName } from '../../../server/src/usage/analytics/params';
export type { AnalyticsMetrics, BreakdownRow, Distribution, Timeseries, TimeseriesPoint, UsageEventView };

/** The dimensions analytics can filter and group by (the server's FILTERS), in the order the console offers them. */
export const DIMENSIONS = ['provider', 'model', 'user', 'key', 'pipeline', 'project', 'endpoint'] as const satisfies readonly FilterName[];
export type Dimension = FilterName;

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
