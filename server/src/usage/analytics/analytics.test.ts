import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import type { Db } from '../../db/connect';
import { GAMMA, Histogram } from '../histogram';
import { Retention } from '../retention';
import { FAMILIES } from '../rollup-row';
import { RollupState } from '../rollup-state';
import type { UsageEvent } from '../usage-event';
import { UsageWriter } from '../usage-writer';
import { AnalyticsService } from './analytics-service';
import { listEvents } from './events-query';
import { parseBreakdown, parseEvents, parseSummary, parseTimeseries } from './params';

const M = 60_000;
const H = 3_600_000;
const D = 86_400_000;
const BASE = Date.UTC(2025, 0, 10, 21, 37); // the dataset spans ~50 h from here, across two UTC midnights

/** A deterministic dataset with every dimension varying, some errors, streams and missing values. */
function dataset(n: number): UsageEvent[] {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T,>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const events: UsageEvent[] = [];
  for (let i = 0; i < n; i++) {
    const stream = rand() < 0.4;
    const status = rand() < 0.1 ? pick([429, 500, 502]) : 200;
    const provider = pick(['openai', 'anthropic', 'mock']);
    events.push({
      ts: BASE + Math.floor(rand() * 50 * H) + i, // + i keeps ts distinct
      requestId: `req_${i}`,
      endpoint: pick(['chat', 'chat', 'embeddings']),
      authMethod: 'api-key',
      keyId: pick(['key_a', 'key_b', 'key_c', 'key_d']),
      userId: pick(['user_1', 'user_2', 'user_3']),
      projectId: pick(['proj_x', 'proj_y']),
      pipelineId: pick(['pl_main', null]),
      pipelineVersion: 1,
      requestedModel: 'm',
      providerId: provider,
      modelId: `${provider}-${pick(['small', 'large'])}`,
      upstreamModel: 'u',
      credentialId: 'cred',
      attempts: 1,
      status,
      errorType: status === 200 ? null : 'upstream_error',
      errorCode: null,
      promptTokens: Math.floor(rand() * 500),
      completionTokens: Math.floor(rand() * 300),
      cachedTokens: Math.floor(rand() * 50),
      reasoningTokens: Math.floor(rand() * 20),
      images: 0,
      tokensEstimated: false,
      costMicros: Math.floor(rand() * 5000),
      creditsMicros: Math.floor(rand() * 7000),
      latencyMs: Math.exp(3 + 3 * rand()),
      ttftMs: stream ? Math.exp(2 + 2 * rand()) : null,
      upstreamMs: 10,
      stream,
      cacheHit: rand() < 0.05,
    });
  }
  return events;
}

/** The answer computed directly from raw events: exact sums, and the histogram quantile a correct rollup must reproduce. */
function expected(events: UsageEvent[]) {
  const lat = new Histogram();
  const ttft = new Histogram();
  const latencies: number[] = [];
  for (const e of events) {
    lat.add(e.latencyMs);
    latencies.push(e.latencyMs);
    if (e.stream && e.ttftMs !== null) ttft.add(e.ttftMs);
  }
  const sum = (f: (e: UsageEvent) => number) => events.reduce((s, e) => s + f(e), 0);
  const r2 = (x: number | undefined) => Math.round((x ?? 0) * 100) / 100;
  return {
    requests: events.length,
    errors: events.filter((e) => e.status >= 400).length,
    cacheHits: events.filter((e) => e.cacheHit).length,
    streams: events.filter((e) => e.stream).length,
    promptTokens: sum((e) => e.promptTokens),
    completionTokens: sum((e) => e.completionTokens),
    cachedTokens: sum((e) => e.cachedTokens),
    reasoningTokens: sum((e) => e.reasoningTokens),
    costMicros: sum((e) => e.costMicros ?? 0),
    creditsMicros: sum((e) => e.creditsMicros ?? 0),
    latencyP: [r2(lat.quantile(0.5)), r2(lat.quantile(0.95)), r2(lat.quantile(0.99))],
    ttftP: ttft.total ? [r2(ttft.quantile(0.5)), r2(ttft.quantile(0.95)), r2(ttft.quantile(0.99))] : null,
    latencies,
  };
}

function checkMetrics(got: Record<string, unknown> & { latencyMs: { p50: number | null; p95: number | null; p99: number | null } | null; ttftMs: { p50: number | null; p95: number | null; p99: number | null } | null }, events: UsageEvent[]) {
  const want = expected(events);
  expect(got).toMatchObject({
    requests: want.requests, errors: want.errors, cacheHits: want.cacheHits, streams: want.streams, promptTokens: want.promptTokens,
    completionTokens: want.completionTokens, cachedTokens: want.cachedTokens, reasoningTokens: want.reasoningTokens,
    totalTokens: want.promptTokens + want.completionTokens, costMicros: want.costMicros, creditsMicros: want.creditsMicros,
  });
  if (want.requests === 0) return;
  expect([got.latencyMs!.p50, got.latencyMs!.p95, got.latencyMs!.p99]).toEqual(want.latencyP);
  expect(got.ttftMs && [got.ttftMs.p50, got.ttftMs.p95, got.ttftMs.p99]).toEqual(want.ttftP);
  // And the rollup percentiles are within one bin of the exact ones.
  const sorted = [...want.latencies].sort((a, b) => a - b);
  const exact95 = sorted[Math.ceil(0.95 * sorted.length) - 1];
  expect(Math.abs(got.latencyMs!.p95! - exact95) / exact95).toBeLessThan(GAMMA - 1);
}

describe.each(await storageBackends())('usage analytics on %s', (backend) => {
  let db: Db;
  let tempDb: TestDatabase;
  let analytics: AnalyticsService;
  const events = dataset(3000);
  const inRange = (from: number, to: number) => events.filter((e) => e.ts >= from && e.ts < to);

  beforeAll(async () => {
    tempDb = await openTestDatabase(backend, 'sy-analytics-');
    db = tempDb.db;
    analytics = new AnalyticsService(db);
    // Two gateway instances share the traffic; each writes in time order, in batches.
    const sorted = [...events].sort((a, b) => a.ts - b.ts);
    const writers = [new UsageWriter(db, new RollupState('gw_a')), new UsageWriter(db, new RollupState('gw_b'))];
    for (let i = 0; i < sorted.length; i += 250) {
      const batch = sorted.slice(i, i + 250);
      await writers[0].write(batch.filter((_, j) => j % 2 === 0));
      await writers[1].write(batch.filter((_, j) => j % 2 === 1));
    }
  });
  afterAll(async () => {
    await tempDb?.close();
  });

  it('stores every event once, and rollups that add up to them', async () => {
    expect(Number((await db('usage_events').count({ n: '*' }).first())!.n)).toBe(events.length);
    for (const table of FAMILIES.flatMap((f) => Object.values(f.table))) {
      expect(Number((await db(table).sum({ n: 'requests' }).first())!.n)).toBe(events.length);
    }
  });

  it('answers a summary over the whole range', async () => {
    const out = await analytics.summary(parseSummary({ from: String(BASE - H), to: String(BASE + 51 * H) }));
    checkMetrics(out.totals as never, events);
    expect(out.totals.errorRate).toBeCloseTo(expected(events).errors / events.length, 10);
  });

  it('answers ranges that cut across minutes, hours and days exactly', async () => {
    const ranges = [
      [BASE + 13 * M, BASE + 3 * H + 7 * M],
      [BASE + 2 * H + 29 * M, BASE + 40 * H + 2 * M],
      [Date.UTC(2025, 0, 11), Date.UTC(2025, 0, 12)],
      [BASE + 5 * H, BASE + 5 * H + M],
    ];
    for (const [from, to] of ranges) {
      const out = await analytics.summary(parseSummary({ from: String(from), to: String(to) }));
      checkMetrics(out.totals as never, inRange(from, to));
    }
  });

  it('applies filters, alone and combined', async () => {
    const q = parseSummary({ from: String(BASE - H), to: String(BASE + 51 * H), user: 'user_2', provider: 'openai,mock' });
    const out = await analytics.summary(q);
    checkMetrics(out.totals as never, events.filter((e) => e.userId === 'user_2' && ['openai', 'mock'].includes(e.providerId!)));
  });

  it('gives an hourly time series with every bucket, empty ones as zero', async () => {
    const from = BASE - 3 * H;
    const to = BASE + 20 * H + 10 * M;
    const out = await analytics.timeseries(parseTimeseries({ from: String(from), to: String(to), bucket: 'hour', model: 'openai-small' }));
    const start = from - (from % H);
    expect(out.points[0].t).toBe(start);
    expect(out.points).toHaveLength(Math.ceil((to - start) / H));
    for (const p of out.points) checkMetrics(p as never, inRange(p.t, p.t + H).filter((e) => e.modelId === 'openai-small'));
    expect(out.points[0].requests).toBe(0);
    expect(out.points[0].latencyMs).toBeNull();
  });

  it('gives a daily series grouped by provider, and a minute series', async () => {
    const day = await analytics.timeseries(parseTimeseries({ from: String(BASE), to: String(BASE + 50 * H), bucket: 'day', groupBy: 'provider' }));
    expect(day.series!.map((s) => s.key).sort()).toEqual(['anthropic', 'mock', 'openai']);
    for (const s of day.series!) for (const p of s.points) checkMetrics(p as never, inRange(p.t, p.t + D).filter((e) => e.providerId === s.key));
    for (const p of day.points) checkMetrics(p as never, inRange(p.t, p.t + D));

    const from = BASE + 7 * H;
    const minute = await analytics.timeseries(parseTimeseries({ from: String(from), to: String(from + 30 * M), bucket: 'minute' }));
    expect(minute.points).toHaveLength(30);
    for (const p of minute.points) checkMetrics(p as never, inRange(p.t, p.t + M));
  });

  it('breaks down by each dimension, sorted, with a null key for missing values', async () => {
    const from = BASE + 90 * M;
    const to = BASE + 47 * H + 15 * M;
    const slice = inRange(from, to);
    const dims = { provider: 'providerId', model: 'modelId', user: 'userId', key: 'keyId', project: 'projectId', pipeline: 'pipelineId', endpoint: 'endpoint' } as const;
    for (const [by, field] of Object.entries(dims)) {
      const out = await analytics.breakdown(parseBreakdown({ from: String(from), to: String(to), by }));
      const keys = [...new Set(slice.map((e) => e[field] as string | null))];
      expect(out.groups).toBe(keys.length);
      for (const row of out.rows) checkMetrics(row as never, slice.filter((e) => e[field] === row.key));
      const counts = out.rows.map((r) => r.requests);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    }
    const pipelines = await analytics.breakdown(parseBreakdown({ from: String(from), to: String(to), by: 'pipeline' }));
    expect(pipelines.rows.map((r) => r.key).sort()).toEqual([null, 'pl_main'].sort());

    const top = await analytics.breakdown(parseBreakdown({ from: String(from), to: String(to), by: 'key', sort: 'cost', limit: '2' }));
    expect(top.rows).toHaveLength(2);
    expect(top.groups).toBe(4);
    expect(top.rows[0].costMicros).toBeGreaterThanOrEqual(top.rows[1].costMicros);
  });

  it('lists raw events newest first, page by page', async () => {
    const from = BASE + 10 * H;
    const to = BASE + 11 * H;
    const want = inRange(from, to).sort((a, b) => b.ts - a.ts).map((e) => e.requestId);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listEvents>> = await listEvents(db, parseEvents({ from: String(from), to: String(to), limit: '17', ...(cursor ? { before: cursor } : {}) }));
      seen.push(...page.data.map((e) => e.requestId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(want);
    const errorsOnly = await listEvents(db, parseEvents({ from: String(from), to: String(to), status: 'error', limit: '1000' }));
    expect(errorsOnly.data.map((e) => e.requestId).sort()).toEqual(inRange(from, to).filter((e) => e.status >= 400).map((e) => e.requestId).sort());
    expect(errorsOnly.data[0]).toMatchObject({ endpoint: expect.any(String), stream: expect.any(Boolean), cacheHit: expect.any(Boolean) });
  });

  it('folds a late event into its old bucket without duplicating rollup rows', async () => {
    const writer = new UsageWriter(db, new RollupState('gw_late'));
    const recent = { ...events[0], requestId: 'late_1', ts: BASE + 49 * H, keyId: 'key_late' };
    const old = { ...events[0], requestId: 'late_2', ts: BASE + 2 * H, keyId: 'key_late' };
    await writer.write([recent]);
    await writer.write([{ ...recent, requestId: 'late_3', ts: BASE + 49 * H + 20 * M }]); // moves time on: old minutes leave memory
    await writer.write([old]);
    await writer.write([{ ...old, requestId: 'late_4' }]); // the same old minute again: read back, not overwritten
    const rows = await db('usage_rollup_minute').where({ instance_id: 'gw_late', bucket: BASE + 2 * H });
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].requests)).toBe(2);
    const out = await analytics.summary(parseSummary({ from: String(BASE - H), to: String(BASE + 51 * H), key: 'key_late' }));
    expect(out.totals.requests).toBe(4);
  });

  it('purges raw events and rollups older than their retention', async () => {
    const retention = new Retention(db, { rawDays: 30, minuteDays: 30, hourDays: 30, dayDays: 30 }, { debug() {}, info() {}, warn() {}, error() {} });
    expect(await retention.get()).toEqual({ rawDays: 30, minuteDays: 30, hourDays: 30, dayDays: 30 });
    await retention.set({ rawDays: 1, minuteDays: 1 });
    expect(await retention.get()).toMatchObject({ rawDays: 1, minuteDays: 1, hourDays: 30 });

    const now = BASE + 25 * H + 30 * M; // keeps raw events and minutes after BASE + 1 h 30 min
    const before = Number((await db('usage_events').count({ n: '*' }).first())!.n);
    const result = await retention.purge(now);
    const rawLeft = await db('usage_events').min({ t: 'ts' }).first();
    expect(Number(rawLeft!.t)).toBeGreaterThanOrEqual(now - D);
    expect(result.rawEvents).toBe(before - Number((await db('usage_events').count({ n: '*' }).first())!.n));
    expect(result.rawEvents).toBe(events.filter((e) => e.ts < now - D).length);
    const minuteLeft = await db('usage_rollup_minute').min({ b: 'bucket' }).first();
    expect(Number(minuteLeft!.b)).toBeGreaterThan(now - D - M);
    expect(result.minute).toBeGreaterThan(0);
    expect(result.hour).toBe(0);
    expect(result.day).toBe(0);
    // Hour rollups are kept, so an old whole hour is still answered.
    const out = await analytics.summary(parseSummary({ from: String(BASE + 23 * M), to: String(BASE + H + 23 * M) }));
    checkMetrics(out.totals as never, inRange(BASE + 23 * M, BASE + H + 23 * M));
  });
});
