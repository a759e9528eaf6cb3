import { startChild, type Child } from './child';
import { runLoad, type LoadResult } from './load';
import { runAnalyticsBench } from './analytics';
import { runPipelineBench } from './pipeline';

/**
 * `npm run bench`: the gateway against the same emulator called directly and through a bare
 * Node.js proxy, for streamed and non-streamed chat at concurrency 1 and 32.
 */
const DURATION_C1 = Number(process.env.BENCH_DURATION_C1_MS ?? 4000);
const DURATION_C32 = Number(process.env.BENCH_DURATION_C32_MS ?? 6000);
const WARMUP_MS = 1500;

const body = (stream: boolean) => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Write one sentence about switchyards and the trains that pass through them.' },
  ],
  max_tokens: 64,
  ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
});

interface Row {
  scenario: string;
  target: string;
  result: LoadResult;
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));

async function main() {
  const children: Child[] = [];
  try {
    const upstream = await startChild('upstream-process.ts');
    children.push(upstream);
    const proxy = await startChild('bare-proxy.ts', { UPSTREAM_URL: upstream.url });
    children.push(proxy);
    const gateway = await startChild('gateway-process.ts', { UPSTREAM_URL: upstream.url, BENCH_KEY: 'sy-bench-key' });
    children.push(gateway);

    const targets = [
      { name: 'emulator (direct)', url: upstream.url, headers: { authorization: 'Bearer sk-bench-upstream' } },
      { name: 'bare Node.js proxy', url: proxy.url, headers: { authorization: 'Bearer sk-bench-upstream' } },
      { name: 'switchyard', url: gateway.url, headers: { authorization: 'Bearer sy-bench-key' } },
    ];
    const rows: Row[] = [];
    for (const stream of [false, true]) {
      for (const concurrency of [1, 32]) {
        const scenario = `${stream ? 'stream' : 'json'} c=${concurrency}`;
        for (const t of targets) {
          const common = { url: t.url, path: '/chat/completions', body: body(stream), headers: t.headers, concurrency, stream };
          await runLoad({ ...common, durationMs: WARMUP_MS });
          const result = await runLoad({ ...common, durationMs: concurrency === 1 ? DURATION_C1 : DURATION_C32 });
          if (result.errors > 0) throw new Error(`${t.name} ${scenario}: ${result.errors} failed requests`);
          rows.push({ scenario, target: t.name, result });
          process.stderr.write(`${scenario.padEnd(12)} ${t.name.padEnd(20)} ${fmt(result.rps, 0).padStart(7)} req/s  p50 ${fmt(result.p50, 3)} ms  p99 ${fmt(result.p99, 3)} ms\n`);
        }
      }
    }
    printTable(rows);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

function printTable(rows: Row[]) {
  const out: string[] = [];
  out.push('| scenario | target | req/s | p50 ms | p99 ms | TTFT p50 ms | added p50 ms | added p99 ms | vs bare proxy req/s |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const direct = rows.find((x) => x.scenario === r.scenario && x.target === 'emulator (direct)')!.result;
    const proxy = rows.find((x) => x.scenario === r.scenario && x.target === 'bare Node.js proxy')!.result;
    const isDirect = r.target === 'emulator (direct)';
    out.push(
      `| ${r.scenario} | ${r.target} | ${fmt(r.result.rps, 0)} | ${fmt(r.result.p50, 3)} | ${fmt(r.result.p99, 3)} | ${fmt(r.result.ttftP50, 3)} | ${isDirect ? '–' : fmt(r.result.p50 - direct.p50, 3)} | ${isDirect ? '–' : fmt(r.result.p99 - direct.p99, 3)} | ${r.target === 'switchyard' ? `${((r.result.rps / proxy.rps) * 100).toFixed(0)}%` : '–'} |`,
    );
  }
  process.stdout.write('\n' + out.join('\n') + '\n');
}

// `npm run bench -- latency|pipeline|analytics` runs only those scenarios; by default all, in that order.
const picked = process.argv.slice(2).filter((a) => a === 'latency' || a === 'analytics' || a === 'pipeline');
if (picked.length === 0 || picked.includes('latency')) await main();
if (picked.length === 0 || picked.includes('pipeline')) await runPipelineBench();
if (picked.length === 0 || picked.includes('analytics')) await runAnalyticsBench();
