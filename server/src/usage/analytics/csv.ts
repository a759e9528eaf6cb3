import type { AnalyticsMetrics } from './accumulator';

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  // A leading = + - @ would make a spreadsheet evaluate the cell; prefix a quote so ids stay text.
  const safe = typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export const METRIC_COLUMNS = [
  'requests', 'errors', 'error_rate', 'cache_hits', 'streams', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens',
  'total_tokens', 'images', 'cost_micros', 'credits_micros', 'latency_avg_ms', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms',
  'ttft_avg_ms', 'ttft_p50_ms', 'ttft_p95_ms', 'ttft_p99_ms',
];

export function metricValues(m: AnalyticsMetrics): unknown[] {
  return [
    m.requests, m.errors, m.errorRate, m.cacheHits, m.streams, m.promptTokens, m.completionTokens, m.cachedTokens, m.reasoningTokens,
    m.totalTokens, m.images, m.costMicros, m.creditsMicros, m.latencyMs?.avg, m.latencyMs?.p50, m.latencyMs?.p95, m.latencyMs?.p99,
    m.ttftMs?.avg, m.ttftMs?.p50, m.ttftMs?.p95, m.ttftMs?.p99,
  ];
}
