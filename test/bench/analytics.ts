import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../server/src/db/connect';
import { AnalyticsService } from '../../server/src/usage/analytics/analytics-service';
import { listEvents } from '../../server/src/usage/analytics/events-query';
import { parseBreakdown, parseEvents, parseSummary, parseTimeseries } from '../../server/src/usage/analytics/params';
import { FAMILIES, GRAINS } from '../../server/src/usage/rollup-row';
import { RollupState } from '../../server/src/usage/rollup-state';
import type { UsageEvent } from '../../server/src/usage/usage-event';
import { UsageWriter } from '../../server/src/usage/usage-writer';
import { createTempDatabase, postgresAvailable } from '../support/postgres';

/**
 * The analytics scenario of `npm run bench` (alone: `npm run bench -- analytics`): writes
 * BENCH_ANALYTICS_ROWS usage events (default one million) spread over 30 days through the
 * production batch writer, on SQLite and (when reachable) PostgreSQL, then times the main
 * analytics queries. The target is under 200 ms per query.
 */
const ROWS = Number(process.env.BENCH_ANALYTICS_ROWS ?? 1_000_000);
const DAYS = 30;
/** The 30-day dataset is loaded in large batches; live traffic is measured at the production batch size. */
const BACKFILL_BATCH = 10_000;
const LIVE_ROWS = Number(process.env.BENCH_ANALYTICS_LIVE_ROWS ?? 100_000);
const LIVE_RATE = 2000; // simulated requests per second
const LIVE_BATCH = 500;
/** `sqlite`, `postgres` or both (default). */
const BACKENDS = (process.env.BENCH_ANALYTICS_BACKENDS ?? 'sqlite,postgres').split(',');
const RUNS = 7;
const TARGET_MS = 200;

/** Deterministic traffic with realistic skew: a few keys and models carry most requests. */
export function* traffic(rows: number, start: number, end: number, batchSize: number): Generator<UsageEvent[]> {
  let seed = 1234567;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  // Zipf-like: index k is chosen with weight 1/(k+1).
  const zipf = (n: number) => {
    const weights = Array.from({ length: n }, (_, k) => 1 / (k + 1));
    const total = weights.reduce((a, b) => a + b, 0);
    return () => {
      let r = rand() * total;
      for (let k = 0; k < n; k++) if ((r -= weights[k]) <= 0) return k;
      return n - 1;
    };
  };
  const providers = ['openai', 'anthropic', 'gemini', 'bedrock'];
  const models = Array.from({ length: 12 }, (_, i) => ({ provider: providers[i % 4], id: `${providers[i % 4]}-model-${i}` }));
  const keys = Array.from({ length: 60 }, (_, i) => ({ id: `key_${i}`, user: `user_${i % 20}`, project: `proj_${i % 6}` }));
  const pickModel = zipf(models.length);
  const pickKey = zipf(keys.length);
  const step = (end - start) / rows;
  let batch: UsageEvent[] = [];
  for (let i = 0; i < rows; i++) {
    const m = models[pickModel()];
    const k = keys[pickKey()];
    const stream = rand() < 0.35;
    const status = rand() < 0.04 ? [429, 500, 502, 499][Math.floor(rand() * 4)] : 200;
    const latency = Math.exp(5.5 + rand() + rand() - 1); // ~90 ms .. 2 s, peaked
    batch.push({
      ts: Math.floor(start + i * step + rand() * step),
      requestId: `req_${i}`,
      endpoint: rand() < 0.9 ? 'chat' : 'embeddings',
      authMethod: 'api-key',
      keyId: k.id,
      userId: k.user,
      projectId: k.project,
      pipelineId: rand() < 0.7 ? `pipeline_${Number(m.id.slice(-1)) % 4}` : null,
      pipelineVersion: 1,
      requestedModel: m.id,
      providerId: m.provider,
      modelId: m.id,
      upstreamModel: m.id,
      credentialId: `cred_${m.provider}`,
      attempts: status === 200 ? 1 : 2,
      status,
      errorType: status === 200 ? null : 'upstream_error',
      errorCode: null,
      promptTokens: Math.floor(rand() * 2000),
      completionTokens: Math.floor(rand() * 600),
      cachedTokens: Math.floor(rand() * 300),
      reasoningTokens: 0,
      images: 0,
      tokensEstimated: false,
      costMicros: Math.floor(rand() * 20_000),
      creditsMicros: Math.floor(rand() * 30_000),
      latencyMs: latency,
      ttftMs: stream ? latency * (0.1 + 0.3 * rand()) : null,
      upstreamMs: latency - 1,
      stream,
      cacheHit: rand() < 0.03,
    });
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

interface Timing {
  name: string;
  median: number;
  max: number;
  detail: string;
}

async function timeQuery(name: string, run: () => Promise<string>): Promise<Timing> {
  let detail = await run(); // warm-up (and the figure shown)
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    detail = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { name, median: times[Math.floor(times.length / 2)], max: times[times.length - 1], detail };
}

/** Writes events through the production writer; returns events per second. */
async function load(db: Db, label: string, events: Iterable<UsageEvent[]>, instance: string): Promise<number> {
  const writer = new UsageWriter(db, new RollupState(instance));
  const t0 = performance.now();
  let written = 0;
  let reported = 0;
  for (const batch of events) {
    await writer.write(batch);
    written += batch.length;
    if (written - reported >= 100_000) {
      reported = written;
      process.stderr.write(`  ${label}: ${written} events written\n`);
    }
  }
  return written / ((performance.now() - t0) / 1000);
}

interface BackendResult {
  label: string;
  load: string;
  liveRate: number;
  backfillRate: number;
  rollupRows: string[];
  timings: Timing[];
}

async function benchBackend(label: string, open: () => Promise<{ db: Db; close(): Promise<void> }>): Promise<BackendResult> {
  // Sustained writing at live-shaped traffic (a steady request rate, batches of the production size), on a database of its own.
  const live = await open();
  let liveRate: number;
  try {
    const start = Date.now();
    liveRate = await load(live.db, `${label} live`, traffic(LIVE_ROWS, start, start + (LIVE_ROWS / LIVE_RATE) * 1000, LIVE_BATCH), 'gw_live');
  } finally {
    await live.close();
  }

  const { db, close } = await open();
  try {
    const end = Date.now();
    const backfillRate = await load(db, label, traffic(ROWS, end - DAYS * 86_400_000, end, BACKFILL_BATCH), 'gw_bench');
    if (label === 'PostgreSQL') await db.raw('analyze');
    const rollupRows: string[] = [];
    for (const f of FAMILIES) {
      const counts = [];
      for (const g of GRAINS) counts.push(Number((await db(f.table[g]).count({ n: '*' }).first())!.n).toLocaleString('en-US'));
      rollupRows.push(`${f.id} ${counts.join(' / ')}`);
    }
    const timings = await timeQueries(db, end);
    return { label, load: os.loadavg().map((l) => l.toFixed(1)).join(' '), liveRate, backfillRate, rollupRows, timings };
  } finally {
    await close();
  }
}

async function timeQueries(db: Db, end: number): Promise<Timing[]> {

  const a = new AnalyticsService(db);
  const now = String(end);
  const reqs = (m: { requests: number }) => `${m.requests} requests`;
  const timings = [
    await timeQuery('summary, 30 days', async () => reqs((await a.summary(parseSummary({ range: '30d', to: now }))).totals)),
    await timeQuery('summary, 30 days, one user', async () => reqs((await a.summary(parseSummary({ range: '30d', to: now, user: 'user_3' }))).totals)),
    await timeQuery('time series by day, 30 days', async () => `${(await a.timeseries(parseTimeseries({ range: '30d', to: now, bucket: 'day' }))).points.length} points`),
    await timeQuery('time series by hour, 7 days', async () => `${(await a.timeseries(parseTimeseries({ range: '7d', to: now, bucket: 'hour' }))).points.length} points`),
    await timeQuery('time series by hour, 24 h, by model', async () => `${(await a.timeseries(parseTimeseries({ range: '24h', to: now, bucket: 'hour', groupBy: 'model' }))).series!.length} series`),
    await timeQuery('time series by minute, 6 h', async () => `${(await a.timeseries(parseTimeseries({ range: '6h', to: now, bucket: 'minute' }))).points.length} points`),
    await timeQuery('breakdown by model, 30 days', async () => `${(await a.breakdown(parseBreakdown({ range: '30d', to: now, by: 'model' }))).groups} groups`),
    await timeQuery('breakdown by user, 30 days', async () => `${(await a.breakdown(parseBreakdown({ range: '30d', to: now, by: 'user' }))).groups} groups`),
    await timeQuery('breakdown by model, 30 days, one user (full rollups)', async () => `${(await a.breakdown(parseBreakdown({ range: '30d', to: now, by: 'model', user: 'user_3' }))).groups} groups`),
    await timeQuery('breakdown by key, 30 days, one project', async () => `${(await a.breakdown(parseBreakdown({ range: '30d', to: now, by: 'key', project: 'proj_2' }))).groups} groups`),
    await timeQuery('summary, 30 days, no percentiles', async () => reqs((await a.summary(parseSummary({ range: '30d', to: now, percentiles: 'false' }))).totals)),
    await timeQuery('raw events, newest 100', async () => `${(await listEvents(db, parseEvents({ range: '30d', to: now, limit: '100' }))).data.length} rows`),
  ];
  return timings;
}

export async function runAnalyticsBench(): Promise<void> {
  process.stderr.write(`\nanalytics: ${ROWS} usage events over ${DAYS} days\n`);
  const results: BackendResult[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'sy-bench-analytics-'));
  try {
    let n = 0;
    if (BACKENDS.includes('sqlite')) {
      results.push(
        await benchBackend('SQLite', async () => {
          const db = await openDatabase({ dataDir: dir, sqliteFile: path.join(dir, `bench-${n++}.db`) });
          return { db, close: () => db.destroy() };
        }),
      );
    }
    if (BACKENDS.includes('postgres') && (await postgresAvailable())) {
      results.push(
        await benchBackend('PostgreSQL', async () => {
          const temp = await createTempDatabase();
          const db = await openDatabase({ databaseUrl: temp.url, dataDir: dir });
          return { db, close: async () => (await db.destroy(), await temp.drop()) };
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const out: string[] = [`\nAnalytics over ${ROWS.toLocaleString('en-US')} usage events (${DAYS} days); ${RUNS} runs per query after a warm-up; target < ${TARGET_MS} ms.\n`];
  for (const r of results) {
    const rate = (n: number) => Math.round(n).toLocaleString('en-US');
    out.push(
      `${r.label}: sustained writing of live traffic (${LIVE_RATE} req/s simulated, batches of ${LIVE_BATCH}): ${rate(r.liveRate)} events/s; ` +
        `loading the 30-day dataset (batches of ${BACKFILL_BATCH}): ${rate(r.backfillRate)} events/s.`,
      `Rollup rows (minute / hour / day): ${r.rollupRows.join('; ')}.`,
      `Load average while querying: ${r.load} (${os.cpus().length} CPUs).\n`,
    );
    out.push('| query | median ms | max ms | answer |', '|---|---:|---:|---|');
    for (const t of r.timings) out.push(`| ${t.name} | ${t.median.toFixed(1)} | ${t.max.toFixed(1)}${t.max > TARGET_MS ? ' (over)' : ''} | ${t.detail} |`);
    out.push('');
  }
  process.stdout.write(out.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) await runAnalyticsBench(); // run directly
