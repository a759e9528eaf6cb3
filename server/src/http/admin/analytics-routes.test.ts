import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@switchyard/spec';
import { storageBackends } from '../../../../test/support/backends';
import { startTestGateway, type TestGateway } from '../../../../test/support/gateway';
import type { UsageEvent } from '../../usage/usage-event';
import { errorHandler } from '../errors';
import { analyticsRoutes, scopeFilters } from './analytics-routes';

const config = {
  providers: [
    { id: 'mock', plugin: 'mock', settings: {} },
    { id: 'down', plugin: 'mock', settings: { failures: [{ status: 500 }] } },
  ],
  models: [
    { id: 'mock-chat', provider: 'mock' },
    { id: 'down-chat', provider: 'down' },
  ],
  pipelines: [],
};

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function parseCsv(text: string): string[][] {
  return text.trim().split('\r\n').map((l) => l.split(','));
}

describe.each(await storageBackends())('/api/analytics on %s', (backend) => {
  let gw: TestGateway;
  const ids: Record<string, string> = {};

  const chat = async (model: string, opts: { stream?: boolean; id?: string } = {}) => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json', ...(opts.id ? { 'x-request-id': opts.id } : {}) },
      body: JSON.stringify({ model, stream: opts.stream ?? false, messages: [{ role: 'user', content: 'three little words' }] }),
    });
    await res.text();
    return res;
  };
  const get = async (path: string, headers: Record<string, string> = gw.auth) => fetch(`${gw.url}/api/analytics${path}`, { headers });

  beforeAll(async () => {
    gw = await startTestGateway({ backend, config });
    expect((await chat('mock-chat', { id: 'req_json_1' })).status).toBe(200);
    expect((await chat('mock-chat', { id: 'req_json_2' })).status).toBe(200);
    expect((await chat('mock-chat', { id: 'req_stream', stream: true })).status).toBe(200);
    expect((await chat('down-chat', { id: 'req_down' })).status).toBe(500);
    expect((await chat('no-such-model', { id: 'req_refused' })).status).toBe(404);
    ids.done = 'yes';
    await gw.observability.usage.recorder.flush();
  });
  afterAll(() => gw?.stop());

  it('records one row per request that reached an upstream, none for refused ones', async () => {
    const res = await get('/events');
    expect(res.status).toBe(200);
    const { data, nextCursor } = await res.json();
    expect(nextCursor).toBeNull();
    expect(data.map((e: { requestId: string }) => e.requestId).sort()).toEqual(['req_down', 'req_json_1', 'req_json_2', 'req_stream']);
    const stream = data.find((e: { requestId: string }) => e.requestId === 'req_stream');
    expect(stream).toMatchObject({ endpoint: 'chat', stream: true, status: 200, providerId: 'mock', modelId: 'mock-chat', keyId: 'admin-key', authMethod: 'admin-key', attempts: 1, cacheHit: false });
    expect(stream.completionTokens).toBeGreaterThan(0);
    expect(stream.ttftMs).toBeGreaterThan(0);
    const down = data.find((e: { requestId: string }) => e.requestId === 'req_down');
    expect(down).toMatchObject({ status: 500, errorType: 'upstream_error', providerId: 'down' });
    expect(JSON.stringify(data)).not.toContain('three little words'); // never the prompt
  });

  it('loses nothing under a burst of concurrent requests', async () => {
    const before = gw.observability.usage.recorder.status();
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => chat('mock-chat', { id: `burst_${i}` })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await gw.observability.usage.recorder.flush();
    const after = gw.observability.usage.recorder.status();
    expect(after.written - before.written).toBe(120);
    expect(after.dropped).toEqual({ queue_full: 0, write_failed: 0, shutdown: 0 });
    const stored = await gw.db('usage_events').where('request_id', 'like', 'burst_%').count({ n: '*' }).first();
    expect(Number(stored!.n)).toBe(120);
    await gw.db('usage_events').where('request_id', 'like', 'burst_%').del(); // keep the other cases' numbers simple
  });

  it('summarises, breaks down and exports CSV', async () => {
    const summary = await (await get('/summary?range=1h&model=mock-chat,down-chat')).json();
    // the burst's rollups stay (only its raw rows were deleted above): 4 + 120
    expect(summary.totals).toMatchObject({ requests: 124, errors: 1, streams: 1 });
    expect(summary.totals.latencyMs.p50).toBeGreaterThan(0);

    const breakdown = await (await get('/breakdown?by=provider&range=1h')).json();
    expect(breakdown.rows.map((r: { key: string; requests: number }) => [r.key, r.requests])).toEqual([['mock', 123], ['down', 1]]);
    expect(breakdown.rows[1]).toMatchObject({ errors: 1, errorRate: 1 });

    const csv = await get('/breakdown?by=provider&range=1h&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="usage-by-provider-\d+-\d+\.csv"/);
    const rows = parseCsv(await csv.text());
    expect(rows[0].slice(0, 4)).toEqual(['provider', 'requests', 'errors', 'error_rate']);
    expect(rows.slice(1).map((r) => [r[0], r[1]])).toEqual([['mock', '123'], ['down', '1']]);

    const series = parseCsv(await (await get('/timeseries?bucket=minute&range=10m&format=csv')).text());
    expect(series[0][0]).toBe('time');
    expect(series.length - 1).toBeGreaterThanOrEqual(10); // 10 minutes, widened to whole minutes at both ends
    expect(series.length - 1).toBeLessThanOrEqual(11);
    expect(series.slice(1).reduce((n, r) => n + Number(r[1]), 0)).toBe(124);

    const events = parseCsv(await (await get('/events?format=csv&status=error')).text());
    expect(events[0]).toContain('requestId');
    expect(events).toHaveLength(2);
    expect(events[1][events[0].indexOf('requestId')]).toBe('req_down');
  });

  it('reports the queue, including drops, and manages retention', async () => {
    const status = await (await get('/status')).json();
    expect(status.queue).toMatchObject({ depth: 0, dropped: { queue_full: 0, write_failed: 0, shutdown: 0 }, capacity: 50_000 });
    expect(status.queue.written).toBeGreaterThanOrEqual(124);

    expect(await (await get('/retention')).json()).toEqual({ rawDays: 30, minuteDays: 7, hourDays: 90, dayDays: 730 });
    const put = await fetch(`${gw.url}/api/analytics/retention`, { method: 'PUT', headers: { ...gw.auth, 'content-type': 'application/json' }, body: JSON.stringify({ rawDays: 14 }) });
    expect(await put.json()).toEqual({ rawDays: 14, minuteDays: 7, hourDays: 90, dayDays: 730 });
    const bad = await fetch(`${gw.url}/api/analytics/retention`, { method: 'PUT', headers: { ...gw.auth, 'content-type': 'application/json' }, body: JSON.stringify({ rawDays: 0 }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ type: 'invalid_request_error', param: 'rawDays' });
  });

  it('answers bad parameters and missing keys with OpenAI-shaped errors', async () => {
    const cases: Array<[string, number, string | null]> = [
      ['/summary?colour=red', 400, 'colour'],
      ['/timeseries?bucket=week', 400, 'bucket'],
      ['/timeseries?bucket=minute&range=30d', 400, 'bucket'],
      ['/breakdown', 400, 'by'],
      ['/summary?from=yesterday', 400, 'from'],
      ['/summary?from=2000&to=1000', 400, 'from'],
      ['/events?before=nonsense', 400, 'before'],
    ];
    for (const [path, status, param] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      expect((await res.json()).error, path).toMatchObject({ type: 'invalid_request_error', param });
    }
    const anon = await get('/summary', {});
    expect(anon.status).toBe(401);
    expect((await anon.json()).error.type).toBe('authentication_error');
  });

  describe('for a non-admin console user', () => {
    let server: import('node:http').Server;
    let base = '';
    let principal: Principal;

    beforeAll(async () => {
      const event = (id: string, userId: string): UsageEvent => ({
        ts: Date.now(), requestId: id, endpoint: 'chat', authMethod: 'session', keyId: `key_${userId}`, userId, projectId: null, pipelineId: null,
        pipelineVersion: null, requestedModel: 'mock-chat', providerId: 'mock', modelId: 'mock-chat', upstreamModel: 'mock-chat', credentialId: null,
        attempts: 1, status: 200, errorType: null, errorCode: null, promptTokens: 5, completionTokens: 7, cachedTokens: 0, reasoningTokens: 0,
        images: 0, tokensEstimated: false, costMicros: 10, creditsMicros: 20, latencyMs: 12, ttftMs: null, upstreamMs: 10, stream: false, cacheHit: false,
      });
      for (const [id, user] of [['u1_a', 'user_1'], ['u1_b', 'user_1'], ['u2_a', 'user_2']]) gw.observability.usage.recorder.record(event(id, user));
      await gw.observability.usage.recorder.flush();
      // The analytics router behind a stand-in for the identity work's authentication.
      const app = express();
      app.use((_req, res, next) => {
        res.locals.principal = principal;
        next();
      });
      app.use('/api/analytics', analyticsRoutes({ usage: gw.observability.usage }));
      app.use(errorHandler(silent));
      server = app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/analytics`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('shows only their own traffic', async () => {
      principal = { method: 'session', id: 'sess_1', userId: 'user_1', role: 'member', scopes: ['*'] };
      const events = await (await fetch(`${base}/events`)).json();
      expect(events.data.map((e: { requestId: string }) => e.requestId).sort()).toEqual(['u1_a', 'u1_b']);
      const byUser = await (await fetch(`${base}/breakdown?by=user&range=1h`)).json();
      expect(byUser.rows.map((r: { key: string; requests: number }) => [r.key, r.requests])).toEqual([['user_1', 2]]);
      const mine = await fetch(`${base}/summary?range=1h&user=user_1`);
      expect((await mine.json()).totals.requests).toBe(2);
      const theirs = await fetch(`${base}/summary?range=1h&user=user_2`);
      expect(theirs.status).toBe(403);
      expect((await fetch(`${base}/status`)).status).toBe(403);
      expect((await fetch(`${base}/retention`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"rawDays":1}' })).status).toBe(403);
    });

    it('refuses a bare API key, even one that belongs to a user', async () => {
      principal = { method: 'api-key', id: 'key_1', userId: 'user_1', scopes: ['chat'] };
      const res = await fetch(`${base}/summary`);
      expect(res.status).toBe(403);
      expect((await res.json()).error).toMatchObject({ type: 'permission_error', code: 'analytics_forbidden' });
    });
  });
});

describe('scopeFilters', () => {
  it('leaves admins unrestricted and pins console users to themselves', () => {
    expect(scopeFilters({ method: 'admin-key', id: 'admin-key', role: 'owner', scopes: ['*'] }, { model: ['a'] })).toEqual({ model: ['a'] });
    expect(scopeFilters({ method: 'session', id: 's', userId: 'u9', role: 'admin', scopes: ['*'] }, {})).toEqual({});
    // A member's session has '*' too: the role, not the scope, makes an admin.
    expect(scopeFilters({ method: 'session', id: 's', userId: 'u1', role: 'member', scopes: ['*'] }, {})).toEqual({ user: ['u1'] });
    expect(scopeFilters({ method: 'session', id: 's', userId: 'u1', role: 'viewer', scopes: ['models', 'admin'] }, { model: ['a'] })).toEqual({ model: ['a'], user: ['u1'] });
    expect(scopeFilters({ method: 'api-key', id: 'k', userId: 'u1', role: 'member', scopes: ['admin'] }, {})).toEqual({ user: ['u1'] });
    expect(() => scopeFilters({ method: 'session', id: 's', userId: 'u1', role: 'member', scopes: ['*'] }, { user: ['u1', 'u2'] })).toThrow(/own/);
    expect(() => scopeFilters({ method: 'plugin', id: 'p', userId: 'u1', scopes: ['*'] }, {})).toThrow();
    expect(() => scopeFilters(undefined, {})).toThrow();
  });
});
