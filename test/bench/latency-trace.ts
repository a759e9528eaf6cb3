import { Pool } from 'undici';
import { chatBody } from './bench-config';
import { startChild } from './child';
import { percentile } from './load';
import { startTarget } from './target';

/**
 * `node --no-node-snapshot --import tsx test/bench/latency-trace.ts`: times every request of a
 * concurrency-1 load (or `C` connections, each sending its next request when the last is answered)
 * on one process and says when the slow ones (above p99) started, and how they
 * fall within periods of 20, 50, 250 and 1,000 ms (or PERIODS, a JSON array): a background task
 * that runs every so often and delays the requests it overlaps shows up as slow requests bunched
 * in one part of its period. Found the credit-lease charge windows that way.
 * TARGET (plain, full, sdk, bare; default full), STREAM=1, GATEWAY_ENV, NODE_ARGS, DURATION_MS
 * (default 6000) and WARMUP_MS (default 8000), as the other bench tools.
 */
const stream = process.env.STREAM === '1';
const upstream = await startChild('upstream-process.ts');
const env = JSON.parse(process.env.GATEWAY_ENV ?? '{}') as Record<string, string>;
const { child, key } = await startTarget(process.env.TARGET ?? 'full', upstream.url, env, JSON.parse(process.env.NODE_ARGS ?? '[]') as string[]);
const url = new URL(child.url);
const concurrency = Number(process.env.C ?? 1);
const pool = new Pool(url.origin, { connections: concurrency });
const body = JSON.stringify(chatBody(stream));
const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };

async function timedRequest(): Promise<number> {
  const started = performance.now();
  const res = await pool.request({ method: 'POST', path: `${url.pathname}/chat/completions`, headers, body });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  return performance.now() - started;
}

/** Keeps `concurrency` requests in flight until `until`, recording each (start relative to t0, latency) into `trace` when given. */
async function load(until: number, t0: number, trace?: Array<{ at: number; ms: number }>): Promise<void> {
  const worker = async () => {
    while (performance.now() < until) {
      const at = performance.now() - t0;
      const ms = await timedRequest();
      trace?.push({ at, ms });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

await load(performance.now() + Number(process.env.WARMUP_MS ?? 8000), 0);
const trace: Array<{ at: number; ms: number }> = [];
const t0 = performance.now();
await load(t0 + Number(process.env.DURATION_MS ?? 6000), t0, trace);

const sorted = trace.map((r) => r.ms).sort((a, b) => a - b);
const q = (p: number) => percentile(sorted, p * 100);
const out: string[] = [];
out.push(`${trace.length} requests: p50 ${q(0.5).toFixed(3)} ms, p90 ${q(0.9).toFixed(3)}, p99 ${q(0.99).toFixed(3)}, p99.9 ${q(0.999).toFixed(3)}`);
const bounds = [0.5, 1, 2, 3, 5, 10, Infinity];
const counts = bounds.map((b, i) => trace.filter((r) => r.ms <= b && (i === 0 || r.ms > bounds[i - 1])).length);
out.push(`latency up to 0.5 / 1 / 2 / 3 / 5 / 10 ms / more: ${counts.join(' / ')}`);
const slow = trace.filter((r) => r.ms > q(0.99));
out.push(`slow requests (start ms: latency ms): ${slow.map((r) => `${r.at.toFixed(0)}: ${r.ms.toFixed(1)}`).join(', ')}`);
for (const period of JSON.parse(process.env.PERIODS ?? '[20, 50, 250, 1000]') as number[]) {
  const tenths = new Array<number>(10).fill(0);
  for (const r of slow) tenths[Math.floor(((r.at % period) / period) * 10)]++;
  out.push(`slow requests by tenth of a ${period} ms period: ${tenths.join(' ')}`);
}
process.stdout.write(out.join('\n') + '\n');
await child.stop();
await upstream.stop();
await pool.close();
