import { chatBody } from './bench-config';
import { startChild, type Child } from './child';
import { runLoad, type LoadResult } from './load';
import { measureDispatchOverhead } from './pipeline-dispatch';

/**
 * The pipeline scenario of `npm run bench` (`npm run bench -- pipeline` alone): one gateway, the
 * same emulator, the same request, routed directly and through conditional -> fallback
 * (3 targets) -> target. Runs alternate between the two routes for several rounds and the
 * medians are compared, so drift of the machine during the run does not land on one side.
 * Budget: < 0.2 ms added at p50.
 */
const DURATION_C1 = Number(process.env.BENCH_DURATION_C1_MS ?? 4000);
const DURATION_C32 = Number(process.env.BENCH_DURATION_C32_MS ?? 6000);
const ROUNDS = Number(process.env.BENCH_PIPELINE_ROUNDS ?? 3);
const WARMUP_MS = 1500;

const body = (model: string, stream: boolean) => chatBody(stream, model);

const ROUTES = [
  { name: 'direct target', model: 'gpt-4o-mini' },
  { name: 'pipeline', model: 'gpt-4o-mini-routed' },
] as const;

const fmt = (n: number | undefined, digits = 3) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runPipelineBench(): Promise<void> {
  // First the server's request path in-process (precise to microseconds), then end to end over HTTP.
  const inProcess = await measureDispatchOverhead();
  const lines = ['| request | direct p50 ms | direct p99 ms | pipeline p50 ms | pipeline p99 ms | added p50 ms | added p99 ms |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of inProcess) {
    lines.push(`| ${r.scenario} | ${fmt(r.direct.p50, 4)} | ${fmt(r.direct.p99, 4)} | ${fmt(r.pipeline.p50, 4)} | ${fmt(r.pipeline.p99, 4)} | ${fmt(r.pipeline.p50 - r.direct.p50, 4)} | ${fmt(r.pipeline.p99 - r.direct.p99, 4)} |`);
  }
  process.stdout.write(`\nPipeline overhead on the server's request path (dispatcher + billing hooks + tracker, mock provider with no latency, no HTTP)\n\n${lines.join('\n')}\n`);

  const children: Child[] = [];
  try {
    const upstream = await startChild('upstream-process.ts');
    children.push(upstream);
    const gateway = await startChild('pipeline-gateway-process.ts', { UPSTREAM_URL: upstream.url, BENCH_KEY: 'sy-bench-key' });
    children.push(gateway);
    const headers = { authorization: 'Bearer sy-bench-key' };

    const out: string[] = [];
    out.push(`| scenario | route | req/s | p50 ms | p99 ms | added p50 ms | added p99 ms |`);
    out.push('|---|---|---:|---:|---:|---:|---:|');
    for (const stream of [false, true]) {
      for (const concurrency of [1, 32]) {
        const scenario = `${stream ? 'stream' : 'json'} c=${concurrency}`;
        const runs: Record<string, LoadResult[]> = { [ROUTES[0].name]: [], [ROUTES[1].name]: [] };
        for (const r of ROUTES) await runLoad({ url: gateway.url, path: '/chat/completions', body: body(r.model, stream), headers, concurrency, stream, durationMs: WARMUP_MS });
        for (let round = 0; round < ROUNDS; round++) {
          for (const r of ROUTES) {
            const result = await runLoad({ url: gateway.url, path: '/chat/completions', body: body(r.model, stream), headers, concurrency, stream, durationMs: concurrency === 1 ? DURATION_C1 : DURATION_C32 });
            if (result.errors > 0) throw new Error(`pipeline bench ${r.name} ${scenario}: ${result.errors} failed requests`);
            runs[r.name].push(result);
            process.stderr.write(`pipeline ${scenario.padEnd(12)} ${r.name.padEnd(14)} round ${round + 1}  ${fmt(result.rps, 0).padStart(7)} req/s  p50 ${fmt(result.p50)} ms  p99 ${fmt(result.p99)} ms\n`);
          }
        }
        const summary = ROUTES.map((r) => ({
          name: r.name,
          rps: median(runs[r.name].map((x) => x.rps)),
          p50: median(runs[r.name].map((x) => x.p50)),
          p99: median(runs[r.name].map((x) => x.p99)),
        }));
        const [direct, routed] = summary;
        out.push(`| ${scenario} | ${direct.name} | ${fmt(direct.rps, 0)} | ${fmt(direct.p50)} | ${fmt(direct.p99)} | – | – |`);
        out.push(`| ${scenario} | ${routed.name} | ${fmt(routed.rps, 0)} | ${fmt(routed.p50)} | ${fmt(routed.p99)} | ${fmt(routed.p50 - direct.p50)} | ${fmt(routed.p99 - direct.p99)} |`);
      }
    }
    process.stdout.write(`\nPipeline overhead (conditional -> fallback (3 targets) -> target vs a direct target; medians of ${ROUNDS} alternating rounds)\n\n${out.join('\n')}\n`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}
