import { describe, expect, it } from 'vitest';
import { addEvent, bucketOf, dimensionValues, emptyRow, FAMILIES, GRAINS, rowKey, type RollupRow } from './rollup-row';
import { RollupState } from './rollup-state';
import type { UsageEvent } from './usage-event';

const start = Date.UTC(2026, 10, 28, 23, 58); // two minutes before a new hour and a new day

function event(i: number): UsageEvent {
  const stream = i % 3 === 0;
  return {
    ts: start + i * 7_919, // spreads 40 events over several minutes, across the hour and the day
    requestId: `req_${i}`,
    endpoint: i % 5 === 0 ? 'embeddings' : 'chat',
    authMethod: 'api_key',
    keyId: `key_${i % 2}`,
    userId: i % 4 === 0 ? null : `user_${i % 3}`,
    projectId: null,
    pipelineId: i % 6 === 0 ? 'pl_1' : null,
    pipelineVersion: null,
    requestedModel: 'm',
    providerId: 'openai',
    modelId: i % 2 ? 'gpt-4o-mini' : 'gpt-4o',
    upstreamModel: 'm',
    credentialId: null,
    attempts: 1,
    status: i % 7 === 0 ? 502 : 200,
    errorType: null,
    errorCode: null,
    promptTokens: 10 + i,
    completionTokens: 2 * i,
    cachedTokens: i % 4,
    reasoningTokens: 0,
    images: 0,
    tokensEstimated: false,
    costMicros: 100 * i,
    creditsMicros: null,
    latencyMs: 3 + i * 11,
    ttftMs: stream ? 1 + i : null,
    upstreamMs: 2 + i,
    stream,
    cacheHit: i % 9 === 0,
  } as UsageEvent;
}

/** The rows by adding every event to each of its rows, one by one: what prepare must equal. */
function eventByEvent(events: UsageEvent[], instanceId: string) {
  return FAMILIES.map((f) =>
    GRAINS.map((g) => {
      const rows = new Map<string, RollupRow>();
      for (const e of events) {
        const values = dimensionValues(e);
        const dims = f.dims.map((d) => values[d]);
        const bucket = bucketOf(e.ts, g);
        const key = rowKey(bucket, dims);
        if (!rows.has(key)) rows.set(key, emptyRow(f, g, bucket, instanceId, dims));
        addEvent(rows.get(key)!, e);
      }
      return rows;
    }),
  );
}

const comparable = (rows: Map<string, RollupRow>) =>
  Object.fromEntries([...rows].map(([k, r]) => [k, { family: r.family.id, grain: r.grain, bucket: r.bucket, dims: r.dims, sums: r.sums, latency: r.latency.encode(), ttft: r.ttft.encode() }]));

describe('RollupState', () => {
  it('prepares the same rows as adding each event to each family and grain', async () => {
    const events = Array.from({ length: 40 }, (_, i) => event(i));
    expect(new Set(events.map((e) => bucketOf(e.ts, 'hour'))).size).toBe(2); // the batch crosses an hour (and a day)
    const state = new RollupState('gw_test');
    const prepared = await state.prepare(events, async () => []);
    const expected = eventByEvent(events, 'gw_test');
    for (let fi = 0; fi < FAMILIES.length; fi++) {
      for (let gi = 0; gi < GRAINS.length; gi++) expect(comparable(prepared[fi][gi])).toEqual(comparable(expected[fi][gi]));
    }
  });

  it('prepares a later batch on top of the rows it committed', async () => {
    const events = Array.from({ length: 40 }, (_, i) => event(i));
    const state = new RollupState('gw_test');
    state.commit(await state.prepare(events.slice(0, 25), async () => []));
    const second = await state.prepare(events.slice(25), async () => []);
    const all = eventByEvent(events, 'gw_test');
    for (let fi = 0; fi < FAMILIES.length; fi++) {
      for (let gi = 0; gi < GRAINS.length; gi++) {
        const touched = new Map([...all[fi][gi]].filter(([key]) => second[fi][gi].has(key)));
        expect(touched.size).toBe(second[fi][gi].size);
        expect(comparable(second[fi][gi])).toEqual(comparable(touched));
      }
    }
  });
});
