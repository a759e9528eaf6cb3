import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { api, e, graph, n, recordingHooks, target } from './support';

/** POST /api/pipelines/:id/test-run: the trace of a draft, a version or an unsaved graph. */
describe('pipeline test runs', () => {
  let gw: TestGateway;
  const rec = recordingHooks();

  // conditional: gold callers go to a fallback (down -> alpha), everyone else to beta.
  const routed = graph(
    [
      n('route', 'conditional', { rules: [{ id: 'gold', when: 'headers.x-tier == "gold"' }] }),
      n('fb', 'fallback', { branches: [{ id: 'primary' }, { id: 'backup' }] }),
      target('down', 'down', 'm-down'),
      target('alpha', 'alpha', 'm-alpha'),
      target('beta', 'beta', 'm-beta'),
    ],
    [e('route', 'gold', 'fb'), e('route', 'default', 'beta'), e('fb', 'primary', 'down'), e('fb', 'backup', 'alpha')],
  );
  const chat = { model: 'anything', messages: [{ role: 'user', content: 'echo me' }] };

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        providers: [
          { id: 'down', plugin: 'mock', settings: { failures: [{ status: 500, message: 'exploded' }] } },
          { id: 'alpha', plugin: 'mock', settings: { mode: 'canned', cannedText: 'from alpha' } },
          { id: 'beta', plugin: 'mock', settings: { mode: 'canned', cannedText: 'from beta' } },
        ],
        models: [],
        pipelines: [],
      },
      hooks: [rec.hooks],
    });
    expect((await api(gw, 'POST', '/pipelines', { id: 'routed', graph: routed })).status).toBe(201);
  });
  afterAll(() => gw?.stop());
  beforeEach(() => rec.clear());

  it('returns which nodes ran, what each decided and why, with timings, the attempts and the answer', async () => {
    const run = await api(gw, 'POST', '/pipelines/routed/test-run', { request: chat, headers: { 'x-tier': 'gold' } });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ ok: true, status: 200, kind: 'chat', pipeline: { id: 'routed', version: 'draft' }, target: { provider: 'alpha', model: 'm-alpha' }, cacheHit: false });
    expect(run.body.response.choices[0].message.content).toBe('from alpha');
    const trace = run.body.trace as Array<{ nodeId: string; decision?: string; notes?: string[]; status: string; startMs: number; durationMs: number }>;
    expect(trace.map((t) => t.nodeId)).toEqual(['route', 'fb', 'down', 'alpha']);
    expect(trace[0].decision).toContain('gold');
    expect(trace[1].decision).toContain('backup');
    expect(trace[1].notes?.join(' ')).toMatch(/primary.*500/);
    expect(trace[2]).toMatchObject({ status: 'error', error: { status: 500 } });
    for (const t of trace) expect(t.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.body.attempts.map((a: { provider: string; status: string }) => [a.provider, a.status])).toEqual([['down', 'error'], ['alpha', 'ok']]);
    // The real targets went through the request hooks like any request.
    expect(run.body.upstreamAttempts.map((a: { providerId: string; status: number }) => [a.providerId, a.status])).toEqual([['down', 500], ['alpha', 200]]);
    expect(rec.afters.map((a) => a.record.providerId)).toEqual(['down', 'alpha']);
  });

  it('replaces every target by the mock provider with useMock (nothing reaches the real ones)', async () => {
    const run = await api(gw, 'POST', '/pipelines/routed/test-run', { request: chat, headers: { 'x-tier': 'gold' }, useMock: true });
    expect(run.body).toMatchObject({ ok: true, target: { provider: 'down', model: 'm-down' } });
    expect(run.body.response.choices[0].message.content).toBe('echo me');
    expect(run.body.trace.map((t: { nodeId: string }) => t.nodeId)).toEqual(['route', 'fb', 'down']);
    expect(run.body.upstreamAttempts).toEqual([expect.objectContaining({ providerId: 'mock', upstreamModel: 'm-down' })]);
    // Mock runs are not billed or recorded.
    expect(rec.befores).toHaveLength(0);
  });

  it('collects a stream, and runs an unsaved graph from the editor', async () => {
    const run = await api(gw, 'POST', '/pipelines/routed/test-run', { request: { ...chat, stream: true }, useMock: true });
    expect(run.body).toMatchObject({ ok: true, stream: { text: 'echo me', delivery: { status: 'completed' } } });
    expect(run.body.stream.chunks.length).toBeGreaterThan(2);

    const unsaved = await api(gw, 'POST', '/pipelines/routed/test-run', { request: chat, graph: graph([target('only', 'beta', 'm')]) });
    expect(unsaved.body.response.choices[0].message.content).toBe('from beta');
  });

  it('reports a failed run with the error, and refuses invalid graphs naming node and field', async () => {
    const failing = await api(gw, 'POST', '/pipelines/routed/test-run', { request: chat, graph: graph([target('only', 'down', 'm')]) });
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({ ok: false, status: 500, error: { type: 'upstream_error' }, trace: [expect.objectContaining({ nodeId: 'only', status: 'error' })] });

    const invalid = await api(gw, 'POST', '/pipelines/routed/test-run', { request: chat, graph: graph([n('fb', 'fallback', { branches: [{ id: 'a' }], fallbackOn: { statuses: ['x'] } }), target('t', 'beta', 'm')], [e('fb', 'a', 't')]) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_pipeline');
    expect(invalid.body.error.issues[0]).toMatchObject({ nodeId: 'fb', field: expect.stringContaining('params.fallbackOn.statuses') });

    expect((await api(gw, 'POST', '/pipelines/routed/test-run', { request: chat, version: 'published' })).status).toBe(404);
    expect((await api(gw, 'POST', '/pipelines/routed/test-run', { request: { model: 'x', messages: [] } })).status).toBe(400);
  });
});
