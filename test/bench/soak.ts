import { chatBody } from './bench-config';
import { startChild, type Child } from './child';
import { featureEvidence, startFullGateway, type FullGateway } from './gateway-full';
import { runLoad } from './load';
import { heapStats, rssBytes, toMB } from './memory';

/**
 * `npm run bench -- soak`: BENCH_SOAK_REQUESTS (default one million) requests at concurrency 32
 * (16 non-streamed, 16 streamed) to the all-features gateway, with its resident memory sampled
 * every 10 s, after every 100k requests and after the warm-up (the first 10% of the requests).
 * The bar: under 200 MB and flat after the warm-up. Failed requests, or usage events the gateway
 * dropped, fail the run. BENCH_SOAK_LIVE_HEAP=1 also forces a full collection at each sample and
 * reports the heap still live after it (the leak signal; off by default since the forced
 * collections would flatter the RSS).
 */
const SAMPLE_EVERY_MS = 10_000;
const SAMPLE_EVERY_REQUESTS = 100_000;

interface Sample {
  seconds: number;
  done: number;
  errors: number;
  rss: number;
  heapUsed?: number;
  liveHeap?: number;
  label?: string;
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));

/** Least-squares slope of `bytes` (in MB) over requests, per 100k requests. */
function slopePer100k(samples: Sample[], bytes: (s: Sample) => number | undefined): number {
  const points = samples.filter((s) => bytes(s) !== undefined);
  if (points.length < 2) return NaN;
  const xs = points.map((s) => s.done / 100_000);
  const ys = points.map((s) => toMB(bytes(s)!));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

export async function runSoakBench(): Promise<void> {
  const total = Number(process.env.BENCH_SOAK_REQUESTS ?? 1_000_000);
  if (!Number.isInteger(total) || total < 2) throw new Error(`BENCH_SOAK_REQUESTS must be an integer of at least 2, got '${process.env.BENCH_SOAK_REQUESTS}'`);
  const warmup = Math.max(1, Math.round(total / 10));
  const children: Child[] = [];
  let gw: FullGateway | undefined;
  try {
    const upstream = await startChild('upstream-process.ts');
    children.push(upstream);
    const liveHeap = process.env.BENCH_SOAK_LIVE_HEAP === '1';
    gw = await startFullGateway(upstream.url, {}, liveHeap ? ['--expose-gc'] : []);
    children.push(gw.child);
    const full = gw;
    const pid = full.child.process.pid!;

    const samples: Sample[] = [];
    let done = 0;
    let errors = 0;
    const t0 = performance.now();
    const sample = async (label?: string) => {
      const at = { seconds: (performance.now() - t0) / 1000, done, errors, rss: rssBytes(pid), label };
      const heap = await heapStats(full.child);
      samples.push({ ...at, heapUsed: heap?.heapUsed, liveHeap: heap?.liveHeap });
      const live = heap?.liveHeap === undefined ? '' : `  live heap ${fmt(toMB(heap.liveHeap))} MB`;
      process.stderr.write(`soak ${fmt(at.seconds, 0).padStart(5)} s ${String(at.done).padStart(8)} requests ${String(at.errors).padStart(4)} errors  RSS ${fmt(toMB(at.rss))} MB  heap ${fmt(heap && toMB(heap.heapUsed))} MB${live}${label ? `  (${label})` : ''}\n`);
    };

    await sample('start');
    const timer = setInterval(() => void sample(), SAMPLE_EVERY_MS);
    const onResponse = (ok: boolean) => {
      done++;
      if (!ok) errors++;
      if (done === warmup) void sample('after warm-up');
      else if (done % SAMPLE_EVERY_REQUESTS === 0) void sample();
    };
    const load = { url: full.child.url, path: '/chat/completions', headers: { authorization: `Bearer ${full.customer.key}` }, concurrency: 16, durationMs: Infinity, onResponse };
    const half = Math.ceil(total / 2);
    let results;
    try {
      results = await Promise.all([
        runLoad({ ...load, body: chatBody(false), maxRequests: half }),
        runLoad({ ...load, body: chatBody(true), stream: true, maxRequests: total - half }),
      ]);
    } finally {
      clearInterval(timer);
    }
    const seconds = (performance.now() - t0) / 1000;
    const ok = results[0].requests + results[1].requests;
    const evidence = await featureEvidence(full, ok);
    await sample('final');
    await new Promise((r) => setTimeout(r, 1100)); // let a sample still waiting for its heap line land

    samples.sort((a, b) => a.done - b.done || a.seconds - b.seconds);
    const rows = [`| time s | requests | errors | RSS MB | heap used MB |${liveHeap ? ' live heap MB |' : ''} |`, `|---:|---:|---:|---:|---:|${liveHeap ? '---:|' : ''}---|`];
    for (const s of samples) {
      const live = liveHeap ? ` ${fmt(s.liveHeap && toMB(s.liveHeap))} |` : '';
      rows.push(`| ${fmt(s.seconds, 0)} | ${s.done} | ${s.errors} | ${fmt(toMB(s.rss))} | ${fmt(s.heapUsed && toMB(s.heapUsed))} |${live} ${s.label ?? ''} |`);
    }
    const start = samples.find((s) => s.label === 'start')!;
    const warm = samples.find((s) => s.label === 'after warm-up') ?? samples.find((s) => s.done >= warmup)!;
    const final = samples.find((s) => s.label === 'final')!;
    const max = samples.reduce((a, b) => (b.rss > a.rss ? b : a));
    const heaps = samples.map((s) => s.heapUsed).filter((h): h is number => h !== undefined);
    const afterWarmup = samples.filter((s) => s.done >= warm.done);
    const slope = slopePer100k(afterWarmup, (s) => s.rss);
    const liveSlope = slopePer100k(afterWarmup, (s) => s.liveHeap);
    const summary = [
      `RSS: start ${fmt(toMB(start.rss))} MB, after warm-up (${warm.done} requests) ${fmt(toMB(warm.rss))} MB, max ${fmt(toMB(max.rss))} MB, final ${fmt(toMB(final.rss))} MB (bar: under 200 MB)`,
      `RSS slope after warm-up: ${slope >= 0 ? '+' : ''}${fmt(slope, 2)} MB per 100k requests; final minus after warm-up: ${fmt(toMB(final.rss - warm.rss))} MB (bar: flat)`,
      `heap used: max ${fmt(heaps.length ? toMB(Math.max(...heaps)) : undefined)} MB, final ${fmt(final.heapUsed && toMB(final.heapUsed))} MB${liveHeap ? `; live heap after warm-up ${fmt(warm.liveHeap && toMB(warm.liveHeap))} MB, final ${fmt(final.liveHeap && toMB(final.liveHeap))} MB, slope ${fmt(liveSlope, 2)} MB per 100k requests` : ''}`,
      `${done} requests in ${fmt(seconds, 0)} s (${fmt(done / seconds, 0)} req/s), ${errors} errors; json p50 ${fmt(results[0].p50, 2)} ms p99 ${fmt(results[0].p99, 2)} ms, stream p50 ${fmt(results[1].p50, 2)} ms p99 ${fmt(results[1].p99, 2)} ms`,
      `features: ${evidence.usageWritten} usage rows written (${evidence.usageDropped} dropped), ${fmt(evidence.spent / 1_000_000, 4)} credits charged to ${full.customer.account}, ${evidence.held} micro-credits held (credit leases, and requests in flight)`,
    ];
    process.stdout.write(`\nSoak: all-features gateway, ${total} requests at concurrency 32 (16 JSON + 16 streamed)\n\n${rows.join('\n')}\n\n${summary.join('\n')}\n`);

    const problems: string[] = [];
    if (errors > 0) problems.push(`${errors} failed requests`);
    if (evidence.usageDropped > 0 || evidence.usageWritten < ok) problems.push(`usage recording lost events: ${evidence.usageWritten} written for ${ok} answered requests, ${evidence.usageDropped} dropped`);
    if (evidence.spent <= 0) problems.push('no credits were charged: billing was not on');
    if (problems.length) throw new Error(`soak: ${problems.join('; ')}`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}
