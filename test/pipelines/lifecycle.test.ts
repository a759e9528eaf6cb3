import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { api, e, graph, n, recordingHooks, target } from './support';

const canned = (id: string, text: string) => ({ id, plugin: 'mock', settings: { mode: 'canned', cannedText: text } });

/** Drafts, versions, publish (validated), rollback, diff, delete, the palette and the audit trail, on each storage backend. */
describe.each(await storageBackends())('pipeline lifecycle on %s', (backend) => {
  let gw: TestGateway;
  let client: OpenAI;
  const rec = recordingHooks();

  beforeAll(async () => {
    gw = await startTestGateway({
      backend,
      config: { providers: [canned('alpha', 'from alpha'), canned('beta', 'from beta'), { id: 'mock', plugin: 'mock', settings: {} }], models: [{ id: 'mock-chat', provider: 'mock' }], pipelines: [] },
      hooks: [rec.hooks],
    });
    client = new OpenAI({ apiKey: TEST_ADMIN_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => gw?.stop());
  beforeEach(() => rec.clear());

  const ask = async (model: string) => (await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] })).choices[0].message.content;
  const single = (provider: string) => graph([n('fb', 'fallback', { branches: [{ id: 'main' }] }), target('t', provider, 'm-1')], [e('fb', 'main', 't')]);

  it('saves an invalid draft with its issues, and refuses to publish it, naming node and field', async () => {
    const bad = graph(
      [n('route', 'conditional', { rules: [{ id: 'vip', when: 'user.tier ==' }] }), target('a', 'alpha', 'm-1'), target('b', 'alpha', 'm-2')],
      [e('route', 'vip', 'a'), e('route', 'default', 'b')],
    );
    const created = await api(gw, 'POST', '/pipelines', { id: 'smart', name: 'Smart', graph: bad });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'smart', name: 'Smart', publishedVersion: null, running: null, source: 'api' });
    expect(created.body.issues).toEqual([expect.objectContaining({ code: 'invalid_params', nodeId: 'route', field: 'params.rules[0].when' })]);

    const refused = await api(gw, 'POST', '/pipelines/smart/publish', {});
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_pipeline', param: 'nodes.route.params.rules[0].when' });
    expect(refused.body.error.message).toContain("node 'route' (params.rules[0].when)");
    expect(refused.body.error.issues[0]).toMatchObject({ nodeId: 'route', field: 'params.rules[0].when' });
    expect((await api(gw, 'GET', '/pipelines/smart/versions')).body.data).toEqual([]);

    const unconnected = await api(gw, 'POST', '/pipelines/validate', { graph: graph([n('fb', 'fallback', { branches: [{ id: 'x' }] })]) });
    expect(unconnected.body).toMatchObject({ ok: false, issues: [expect.objectContaining({ code: 'unconnected_output', nodeId: 'fb', field: 'outputs.x' })] });
  });

  it('publishes versions that requests run at once, keeps history, diffs and rolls back', async () => {
    expect((await api(gw, 'PATCH', '/pipelines/smart', { graph: single('alpha') })).status).toBe(200);
    const v1 = await api(gw, 'POST', '/pipelines/smart/publish', { note: 'first' });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ pipelineId: 'smart', version: 1, note: 'first', source: 'api', rolledBackFrom: null, warnings: [] });
    expect((await api(gw, 'PUT', '/pipelines/smart/bindings', { aliases: ['smart'] })).body).toEqual({ aliases: ['smart'], keys: [], projects: [], default: false });

    expect(await ask('smart')).toBe('from alpha');
    const [s1] = await rec.waitForSummaries(1);
    expect(s1).toMatchObject({ requestedModel: 'smart', status: 200, pipeline: { id: 'smart', version: 1 }, cacheHit: false });
    expect(s1.attempts).toEqual([expect.objectContaining({ providerId: 'alpha', upstreamModel: 'm-1', status: 200 })]);

    await api(gw, 'PATCH', '/pipelines/smart', { graph: single('beta') });
    // Saving a draft changes nothing for requests.
    expect(await ask('smart')).toBe('from alpha');
    const v2 = await api(gw, 'POST', '/pipelines/smart/publish', {});
    expect(v2.body.version).toBe(2);
    expect(await ask('smart')).toBe('from beta');

    const versions = await api(gw, 'GET', '/pipelines/smart/versions');
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await api(gw, 'GET', '/pipelines/smart/versions/1')).body.graph).toEqual(single('alpha'));

    const diff = await api(gw, 'GET', '/pipelines/smart/diff?from=1&to=2');
    expect(diff.body).toMatchObject({ from: 1, to: 2, same: false, nodes: { added: [], removed: [], changed: [{ id: 't', changes: [{ path: 'params.provider', from: 'alpha', to: 'beta' }] }] }, edges: { added: [], removed: [] } });
    // Default: published against draft.
    expect((await api(gw, 'GET', '/pipelines/smart/diff')).body).toMatchObject({ from: 'published', to: 'draft', same: true });

    const rolled = await api(gw, 'POST', '/pipelines/smart/rollback', { version: 1 });
    expect(rolled.status).toBe(201);
    expect(rolled.body).toMatchObject({ version: 3, rolledBackFrom: 1, note: 'rollback to version 1' });
    rec.clear();
    expect(await ask('smart')).toBe('from alpha');
    expect((await rec.waitForSummaries(1))[0].pipeline).toEqual({ id: 'smart', version: 3 });

    const view = await api(gw, 'GET', '/pipelines/smart');
    expect(view.body).toMatchObject({ publishedVersion: 3, running: { version: 3, inFlight: 0 }, problem: null, issues: [], bindings: { aliases: ['smart'] } });
    expect((await api(gw, 'GET', '/pipelines')).body.data).toEqual([expect.objectContaining({ id: 'smart', publishedVersion: 3 })]);
    expect((await api(gw, 'GET', '/pipelines')).body.data[0].draft).toBeUndefined();
  });

  it('warns about targets whose provider is not configured, and fails their calls with a clear error', async () => {
    await api(gw, 'POST', '/pipelines', { id: 'ghost', graph: single('nowhere') });
    const published = await api(gw, 'POST', '/pipelines/ghost/publish', {});
    expect(published.status).toBe(201);
    expect(published.body.warnings).toEqual([expect.objectContaining({ nodeId: 't', field: 'params.provider' })]);
    await api(gw, 'PUT', '/pipelines/ghost/bindings', { aliases: ['ghost'] });
    const err = await client.chat.completions.create({ model: 'ghost', messages: [{ role: 'user', content: 'x' }] }).catch((x) => x);
    expect(err.status).toBe(503);
    expect(err.error).toMatchObject({ code: 'unknown_provider' });
    expect(err.error.message).toContain("provider 'nowhere'");
  });

  it('refuses a binding another pipeline holds', async () => {
    const taken = await api(gw, 'PUT', '/pipelines/ghost/bindings', { aliases: ['smart'] });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'binding_taken' });
    expect(taken.body.error.message).toContain("'smart'");
    expect((await api(gw, 'GET', '/pipelines/bindings')).body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'alias', subject: 'smart', pipelineId: 'smart' }), expect.objectContaining({ kind: 'alias', subject: 'ghost', pipelineId: 'ghost' })]),
    );
  });

  it('deletes a pipeline with its versions and bindings', async () => {
    expect((await api(gw, 'DELETE', '/pipelines/ghost')).status).toBe(204);
    expect((await api(gw, 'GET', '/pipelines/ghost')).status).toBe(404);
    const gone = await client.chat.completions.create({ model: 'ghost', messages: [{ role: 'user', content: 'x' }] }).catch((x) => x);
    expect(gone.status).toBe(404);
    expect(gone.error.code).toBe('model_not_found');
    expect(await gw.db('pipeline_versions').where({ pipeline_id: 'ghost' }).count<{ c: number }[]>('* as c')).toEqual([{ c: 0 }]);
    expect(await gw.db('pipeline_bindings').where({ pipeline_id: 'ghost' }).count<{ c: number }[]>('* as c')).toEqual([{ c: 0 }]);
  });

  it('lists node types for the palette', async () => {
    const types = await api(gw, 'GET', '/node-types');
    const names = types.body.data.map((t: { type: string }) => t.type);
    expect(names).toEqual(expect.arrayContaining(['conditional', 'fallback', 'weighted', 'retry', 'timeout', 'circuit-breaker', 'target', 'script', 'cache']));
    expect(types.body.data.find((t: { type: string }) => t.type === 'fallback')).toMatchObject({ typeVersion: 1, source: 'builtin', category: 'router', paramsSchema: expect.any(Object) });
  });

  it('records every change in the audit log', async () => {
    const audit = await fetch(`${gw.url}/api/audit?target=smart`, { headers: gw.auth }).then((r) => r.json());
    const actions = audit.data.map((a: { action: string }) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['pipeline.create', 'pipeline.update', 'pipeline.publish', 'pipeline.rollback', 'pipeline.bindings']));
    const publish = audit.data.find((a: { action: string; details: { version?: number } }) => a.action === 'pipeline.publish' && a.details.version === 2);
    expect(publish).toMatchObject({ actor: { type: 'admin_key' }, target: { type: 'pipeline', id: 'smart' }, details: { version: 2, previous: 1 } });
  });

  it('still routes plain models directly when no pipeline applies', async () => {
    expect(await ask('mock-chat')).toBe('hello');
    const [s] = await rec.waitForSummaries(1);
    expect(s.pipeline).toBeUndefined();
  });
});
