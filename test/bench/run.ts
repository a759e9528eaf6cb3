import { chatBody } from './bench-config';
import { startChild, type Child } from './child';
import { featureEvidence, startFullGateway } from './gateway-full';
import { median, medianOfRuns, runLoad, type LoadResult } from './load';
import { heapStats, rssBytes, toMB } from './memory';
import { runAnalyticsBench } from './analytics';
import { runPipelineBench } from './pipeline';
import { runSoakBench } from './soak';

/**
 * `npm run bench`: the gateway against the same emulator called directly, through a bare
 * Node.js proxy, and through the same proxy forwarding with the official openai SDK (sdk-proxy.ts:
 * the floor for a gateway bound to the SDK, as the openai plugin is), for streamed and
 * non-streamed chat at concurrency 1 and 32: once configured minimally (admin key, direct
 * route) and once with every feature a paying customer's request passes through
 * (gateway-full-process.ts: user API key with a rate limit, fallback pipeline, credit
 * reservation and charge, usage recording), the latter twice: with credit leases (the
 * setting for throughput) and with a hold written before and settled after each call. Ends with
 * each process's resident memory.
 */
const DURATION_C1 = Number(process.env.BENCH_DURATION_C1_MS ?? 2000);
const DURATION_C32 = Number(process.env.BENCH_DURATION_C32_MS ?? 3000);
/**
 * Each scenario runs its targets in turns, this many rounds, and reports each figure's median over
 * the rounds. This machine's speed drifts by tens of percent within minutes; run one after
 * another, the targets of a scenario would each meet a different moment of it.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_MS = 1500;
/** The warm-up before a target's later rounds: its connections and JIT are warm already. */
const ROUND_WARMUP_MS = 500;
/**
 * Before its first measured run, each process serves this long at concurrency 32 (half JSON, half
 * streams): its JIT compiler warms up, as a server's does in its first seconds of traffic. A
 * gateway's code is much larger than a bare proxy's, and measured cold (the 1.5 s warm-up alone)
 * its concurrency-1 runs timed mostly the compiler: p50 2.3 ms in the first 4 s of load, 1.06 ms
 * from 12 s on (cpu-per-request.ts, RUNS=5, C=1).
 */
const STARTUP_WARMUP_MS = Number(process.env.BENCH_STARTUP_WARMUP_MS ?? 10_000);

const BARE = 'bare Node.js proxy';
/** Streams only: the bare proxy parsing and serializing each event, as it does the JSON answer. */
const BARE_PER_EVENT = 'bare proxy, per-event JSON';
const SDK_PROXY = 'bare proxy, official SDK';
const FULL = 'switchyard, all features';
const FULL_HOLDS = 'switchyard, all features, no leases';

interface Row {
  scenario: string;
  target: string;
  /** Each figure's median over the rounds. */
  result: LoadResult;
  /** The rounds, in order: round i of every target of a scenario ran close together in time. */
  runs: LoadResult[];
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));

async function main() {
  const children: Child[] = [];
  try {
    const upstream = await startChild('upstream-process.ts');
    children.push(upstream);
    const proxy = await startChild('bare-proxy.ts', { UPSTREAM_URL: upstream.url });
    children.push(proxy);
    const perEventProxy = await startChild('bare-proxy.ts', { UPSTREAM_URL: upstream.url, PER_EVENT: '1' });
    children.push(perEventProxy);
    const sdkProxy = await startChild('sdk-proxy.ts', { UPSTREAM_URL: upstream.url });
    children.push(sdkProxy);
    const gateway = await startChild('gateway-process.ts', { UPSTREAM_URL: upstream.url, BENCH_KEY: 'sy-bench-key' });
    children.push(gateway);
    const full = await startFullGateway(upstream.url);
    children.push(full.child);
    const fullHolds = await startFullGateway(upstream.url, { BENCH_LEASES: 'off' });
    children.push(fullHolds.child);

    const targets = [
      { name: 'emulator (direct)', url: upstream.url, headers: { authorization: 'Bearer sk-bench-upstream' } },
      { name: BARE, url: proxy.url, headers: { authorization: 'Bearer sk-bench-upstream' } },
      { name: BARE_PER_EVENT, url: perEventProxy.url, headers: { authorization: 'Bearer sk-bench-upstream' }, streamsOnly: true },
      { name: SDK_PROXY, url: sdkProxy.url, headers: { authorization: 'Bearer sk-bench-upstream' } },
      { name: 'switchyard', url: gateway.url, headers: { authorization: 'Bearer sy-bench-key' } },
      { name: FULL, url: full.child.url, headers: { authorization: `Bearer ${full.customer.key}` } },
      { name: FULL_HOLDS, url: fullHolds.child.url, headers: { authorization: `Bearer ${fullHolds.customer.key}` } },
    ];
    let fullAnswered = 0;
    let holdsAnswered = 0;
    const rows: Row[] = [];
    for (const t of targets) {
      for (const stream of [false, true]) {
        if (t.streamsOnly && !stream) continue;
        const warm = await runLoad({ url: t.url, path: '/chat/completions', body: chatBody(stream), headers: t.headers, concurrency: 32, stream, durationMs: STARTUP_WARMUP_MS / 2 });
        if (warm.errors > 0) throw new Error(`${t.name} start-up warm-up: ${warm.errors} failed requests`);
        if (t.name === FULL) fullAnswered += warm.requests;
        if (t.name === FULL_HOLDS) holdsAnswered += warm.requests;
      }
    }
    for (const stream of [false, true]) {
      for (const concurrency of [1, 32]) {
        const scenario = `${stream ? 'stream' : 'json'} c=${concurrency}`;
        const runs = new Map<string, LoadResult[]>();
        for (let round = 1; round <= ROUNDS; round++) {
          for (const t of targets) {
            if (t.streamsOnly && !stream) continue;
            const common = { url: t.url, path: '/chat/completions', body: chatBody(stream), headers: t.headers, concurrency, stream };
            const warm = await runLoad({ ...common, durationMs: round === 1 ? WARMUP_MS : ROUND_WARMUP_MS });
            const result = await runLoad({ ...common, durationMs: concurrency === 1 ? DURATION_C1 : DURATION_C32 });
            if (warm.errors + result.errors > 0) throw new Error(`${t.name} ${scenario}: ${warm.errors + result.errors} failed requests`);
            if (t.name === FULL) fullAnswered += warm.requests + result.requests;
            if (t.name === FULL_HOLDS) holdsAnswered += warm.requests + result.requests;
            runs.set(t.name, [...(runs.get(t.name) ?? []), result]);
            process.stderr.write(`${scenario.padEnd(12)} round ${round} ${t.name.padEnd(36)} ${fmt(result.rps, 0).padStart(7)} req/s  p50 ${fmt(result.p50, 3)} ms  p99 ${fmt(result.p99, 3)} ms\n`);
          }
        }
        for (const [target, results] of runs) rows.push({ scenario, target, result: medianOfRuns(results), runs: results });
      }
    }
    printTable(rows);

    // The all-features gateways must have recorded and charged every request they answered.
    for (const [name, gw, answered] of [[FULL, full, fullAnswered], [FULL_HOLDS, fullHolds, holdsAnswered]] as const) {
      const evidence = await featureEvidence(gw, answered);
      process.stdout.write(`\n${name}: ${answered} requests answered, ${evidence.usageWritten} usage rows written (${evidence.usageDropped} dropped), ${fmt(evidence.spent / 1_000_000, 4)} credits charged, ${evidence.held} micro-credits held (credit leases, and requests in flight)\n`);
      if (evidence.usageDropped > 0 || evidence.usageWritten < answered) throw new Error(`${name}: usage recording lost events`);
      if (evidence.spent <= 0) throw new Error(`${name}: no credits were charged: billing was not on`);
    }

    const memory = ['| process | RSS MB | heap used MB |', '|---|---:|---:|'];
    const heap = await heapStats(full.child);
    for (const [name, child] of [['emulator', upstream], [BARE, proxy], [BARE_PER_EVENT, perEventProxy], [SDK_PROXY, sdkProxy], ['switchyard', gateway], [FULL, full.child], [FULL_HOLDS, fullHolds.child]] as const) {
      memory.push(`| ${name} | ${fmt(toMB(rssBytes(child.process.pid!)), 1)} | ${child === full.child ? fmt(heap && toMB(heap.heapUsed), 1) : '–'} |`);
    }
    process.stdout.write(`\nResident memory at the end of the latency runs\n\n${memory.join('\n')}\n`);
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

/**
 * `row`'s requests/s as a share of `floor`'s: the median over the rounds of the share within each
 * round, so each share compares two runs made within seconds of each other.
 */
function roundShare(row: Row, floor: Row): number {
  return median(row.runs.map((run, i) => run.rps / floor.runs[i].rps)) ?? NaN;
}

function printTable(rows: Row[]) {
  const out: string[] = [];
  out.push('| scenario | target | req/s | p50 ms | p99 ms | TTFT p50 ms | added p50 ms | added p99 ms | vs bare proxy req/s | vs SDK proxy req/s |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const direct = rows.find((x) => x.scenario === r.scenario && x.target === 'emulator (direct)')!.result;
    const share = (target: string) => `${(roundShare(r, rows.find((x) => x.scenario === r.scenario && x.target === target)!) * 100).toFixed(0)}%`;
    const isDirect = r.target === 'emulator (direct)';
    const isGateway = r.target.startsWith('switchyard');
    out.push(
      `| ${r.scenario} | ${r.target} | ${fmt(r.result.rps, 0)} | ${fmt(r.result.p50, 3)} | ${fmt(r.result.p99, 3)} | ${fmt(r.result.ttftP50, 3)} | ${isDirect ? '–' : fmt(r.result.p50 - direct.p50, 3)} | ${isDirect ? '–' : fmt(r.result.p99 - direct.p99, 3)} | ${isGateway || r.target === SDK_PROXY ? share(BARE) : '–'} | ${isGateway ? share(SDK_PROXY) : '–'} |`,
    );
  }
  process.stdout.write('\n' + out.join('\n') + '\n');

  // The stream floor above relays bytes; against one that also parses and serializes every event.
  const perEvent = rows.filter((r) => r.scenario.startsWith('stream') && r.target.startsWith('switchyard'));
  const against = perEvent.map((r) => {
    const floor = rows.find((x) => x.scenario === r.scenario && x.target === BARE_PER_EVENT)!;
    return `${r.scenario}, ${r.target}: ${(roundShare(r, floor) * 100).toFixed(0)}%`;
  });
  process.stdout.write(`\nStreams against the ${BARE_PER_EVENT} (req/s): ${against.join('; ')}\n`);
}

// `npm run bench -- latency|pipeline|analytics|soak` runs only those scenarios; by default all, in that order.
const SCENARIOS = ['latency', 'pipeline', 'analytics', 'soak'];
const args = process.argv.slice(2);
const unknown = args.filter((a) => !SCENARIOS.includes(a));
if (unknown.length) throw new Error(`unknown bench scenario ${unknown.join(', ')}: choose from ${SCENARIOS.join(', ')}`);
const picked = (name: string) => args.length === 0 || args.includes(name);
if (picked('latency')) await main();
if (picked('pipeline')) await runPipelineBench();
if (picked('analytics')) await runAnalyticsBench();
if (picked('soak')) await runSoakBench();
