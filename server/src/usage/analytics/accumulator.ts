import { Histogram } from '../histogram';
import { SUM_COLUMNS, type SumColumn } from '../rollup-row';

export interface Distribution {
  avg: number;
  /** Null when percentiles were not asked for. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** The figures every analytics answer gives, for a whole range, a bucket or a group. */
export interface AnalyticsMetrics {
  requests: number;
  errors: number;
  /** errors / requests (statuses >= 400), 0 when there were no requests. */
  errorRate: number;
  cacheHits: number;
  streams: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  images: number;
  /** Micro-credits: upstream cost, and credits charged to callers (revenue). */
  costMicros: number;
  creditsMicros: number;
  /** Null without requests. */
  latencyMs: Distribution | null;
  /** Time to first token of streamed requests; null without streams. */
  ttftMs: Distribution | null;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Sums and histograms of one group, merged from rollup rows of any grain and instance. */
export class Accumulator {
  readonly sums = Object.fromEntries(SUM_COLUMNS.map((c) => [c, 0])) as Record<SumColumn, number>;
  readonly latency = new Histogram();
  readonly ttft = new Histogram();

  addSums(row: Record<string, unknown>): void {
    for (const c of SUM_COLUMNS) this.sums[c] += Number(row[c] ?? 0);
  }

  addHistograms(latencyHist: string, ttftHist: string): void {
    this.latency.mergeEncoded(latencyHist);
    this.ttft.mergeEncoded(ttftHist);
  }

  merge(other: Accumulator): void {
    for (const c of SUM_COLUMNS) this.sums[c] += other.sums[c];
    this.latency.merge(other.latency);
    this.ttft.merge(other.ttft);
  }

  metrics(percentiles: boolean): AnalyticsMetrics {
    const s = this.sums;
    const dist = (sum: number, count: number, h: Histogram): Distribution | null => {
      if (count === 0) return null;
      const q = (p: number) => (percentiles ? round(h.quantile(p) ?? 0) : null);
      return { avg: round(sum / count), p50: q(0.5), p95: q(0.95), p99: q(0.99) };
    };
    return {
      requests: s.requests,
      errors: s.errors,
      errorRate: s.requests ? s.errors / s.requests : 0,
      cacheHits: s.cache_hits,
      streams: s.streams,
      promptTokens: s.prompt_tokens,
      completionTokens: s.completion_tokens,
      cachedTokens: s.cached_tokens,
      reasoningTokens: s.reasoning_tokens,
      totalTokens: s.prompt_tokens + s.completion_tokens,
      images: s.images,
      costMicros: s.cost_micros,
      creditsMicros: s.credits_micros,
      latencyMs: dist(s.latency_sum_ms, s.requests, this.latency),
      ttftMs: dist(s.ttft_sum_ms, s.ttft_count, this.ttft),
    };
  }
}
