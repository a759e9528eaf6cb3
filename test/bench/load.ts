import { Pool } from 'undici';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  /** Streams: time to first byte of the body, ms. */
  ttftP50?: number;
  ttftP99?: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The middle value (the mean of the middle two for an even count); undefined for none. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Each figure's median over a target's rounds (requests and errors summed). */
export function medianOfRuns(results: LoadResult[]): LoadResult {
  const medianOf = (pick: (r: LoadResult) => number | undefined): number | undefined =>
    median(results.map(pick).filter((v): v is number => v !== undefined && !Number.isNaN(v)));
  const sum = (pick: (r: LoadResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const out: LoadResult = { requests: sum((r) => r.requests), errors: sum((r) => r.errors), seconds: sum((r) => r.seconds), rps: medianOf((r) => r.rps) ?? NaN, p50: medianOf((r) => r.p50) ?? NaN, p99: medianOf((r) => r.p99) ?? NaN };
  const ttftP50 = medianOf((r) => r.ttftP50);
  const ttftP99 = medianOf((r) => r.ttftP99);
  if (ttftP50 !== undefined) out.ttftP50 = ttftP50;
  if (ttftP99 !== undefined) out.ttftP99 = ttftP99;
  return out;
}

/**
 * A closed-loop load generator: `concurrency` workers each send a request and wait for the whole
 * answer before the next one, over keep-alive connections, for `durationMs` (or `maxRequests`).
 */
export async function runLoad(options: {
  url: string;
  path: string;
  body: object;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
  maxRequests?: number;
  stream?: boolean;
  /** Called as each request ends (the soak counts progress with it). */
  onResponse?: (ok: boolean) => void;
}): Promise<LoadResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.concurrency, pipelining: 1 });
  const payload = JSON.stringify(options.body);
  const path = url.pathname.replace(/\/$/, '') + options.path;
  const headers = { 'content-type': 'application/json', ...options.headers };
  const latencies: number[] = [];
  const ttfts: number[] = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const deadline = start + options.durationMs;

  const worker = async () => {
    while (performance.now() < deadline && (options.maxRequests === undefined || sent < options.maxRequests)) {
      sent++;
      const t0 = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path, headers, body: payload });
        let first = true;
        for await (const _chunk of res.body) {
          if (first) {
            ttfts.push(performance.now() - t0);
            first = false;
          }
        }
        if (res.statusCode !== 200) errors++;
        else latencies.push(performance.now() - t0);
        options.onResponse?.(res.statusCode === 200);
      } catch {
        errors++;
        options.onResponse?.(false);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  ttfts.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...(options.stream ? { ttftP50: percentile(ttfts, 50), ttftP99: percentile(ttfts, 99) } : {}),
  };
}
