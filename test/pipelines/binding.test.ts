import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { api, graph, publishPipeline, recordingHooks, target } from './support';

const canned = (id: string) => ({ id, plugin: 'mock', settings: { mode: 'canned', cannedText: `from ${id}` } });
const only = (provider: string) => graph([target('t', provider, 'm-1')]);

/** Which pipeline a request runs: alias, key, key attribute, project, default; allowedPipelines; direct routes. */
describe('pipeline binding', () => {
  let gw: TestGateway;
  const rec = recordingHooks();
  let userId: string;

  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const ask = async (key: string, model: string) => (await client(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] })).choices[0].message.content;
  const askError = (key: string, model: string) => client(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'hello' }] }).catch((err) => err);
  const newKey = async (body: Record<string, unknown>): Promise<{ id: string; key: string }> => {
    const reply = await api(gw, 'POST', '/keys', { name: `k${Math.random()}`, userId, ...body });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return { id: reply.body.id, key: reply.body.key };
  };

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        providers: ['by-alias', 'by-key', 'by-attribute', 'by-project', 'by-default', 'other'].map(canned).concat([{ id: 'mock', plugin: 'mock', settings: {} } as never]),
        models: [{ id: 'mock-chat', provider: 'mock' }],
        pipelines: [],
      },
      hooks: [rec.hooks],
    });
    const user = await api(gw, 'POST', '/users', { email: 'binder@example.com', role: 'member', password: 'binder-password-1' });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    userId = user.body.id;
    await publishPipeline(gw, 'alias-pl', only('by-alias'), { aliases: ['team-model'] });
    await publishPipeline(gw, 'attr-pl', only('by-attribute'));
    await publishPipeline(gw, 'project-pl', only('by-project'), { projects: ['proj-1'] });
    await publishPipeline(gw, 'other-pl', only('other'));
  });
  afterAll(() => gw?.stop());
  beforeEach(() => rec.clear());

  it('routes a plain model directly while no pipeline applies', async () => {
    expect(await ask(TEST_ADMIN_KEY, 'mock-chat')).toBe('hello');
    expect((await rec.waitForSummaries(1))[0].pipeline).toBeUndefined();
  });

  it('runs the pipeline bound to the model alias', async () => {
    expect(await ask(TEST_ADMIN_KEY, 'team-model')).toBe('from by-alias');
    expect((await rec.waitForSummaries(1))[0].pipeline).toEqual({ id: 'alias-pl', version: 1 });
  });

  it('runs the pipeline bound to the key, its pipelineId attribute, or its project', async () => {
    const bound = await newKey({});
    await publishPipeline(gw, 'key-pl', only('by-key'), { keys: [bound.id] });
    expect(await ask(bound.key, 'mock-chat')).toBe('from by-key');
    // The alias is more specific than the key.
    expect(await ask(bound.key, 'team-model')).toBe('from by-alias');

    const attributed = await newKey({ attributes: { pipelineId: 'attr-pl' } });
    expect(await ask(attributed.key, 'mock-chat')).toBe('from by-attribute');

    const inProject = await newKey({ projectId: 'proj-1' });
    expect(await ask(inProject.key, 'mock-chat')).toBe('from by-project');
    const summaries = await rec.waitForSummaries(4);
    expect(summaries.map((s) => s.pipeline?.id)).toEqual(['key-pl', 'alias-pl', 'attr-pl', 'project-pl']);
  });

  it('enforces allowedPipelines: an alias it may not use looks unknown, a bound pipeline it may not use is refused', async () => {
    const limited = await newKey({ allowedPipelines: ['other-pl'] });
    const hidden = await askError(limited.key, 'team-model');
    expect(hidden.status).toBe(404);
    expect(hidden.error.code).toBe('model_not_found');

    const byName = await newKey({ allowedPipelines: ['alias-*'] });
    expect(await ask(byName.key, 'team-model')).toBe('from by-alias');

    const boundElsewhere = await newKey({ projectId: 'proj-1', allowedPipelines: ['other-pl'] });
    const refused = await askError(boundElsewhere.key, 'mock-chat');
    expect(refused.status).toBe(403);
    expect(refused.error.code).toBe('pipeline_not_allowed');
  });

  it('answers 503 for a binding whose pipeline has no published version, instead of skipping it', async () => {
    await api(gw, 'POST', '/pipelines', { id: 'unpublished', graph: only('other') });
    const key = await newKey({ attributes: { pipelineId: 'unpublished' } });
    const err = await askError(key.key, 'mock-chat');
    expect(err.status).toBe(503);
    expect(err.error.code).toBe('pipeline_unavailable');
  });

  it('runs the default pipeline for everything nothing else claims', async () => {
    await publishPipeline(gw, 'default-pl', only('by-default'), { default: true });
    expect(await ask(TEST_ADMIN_KEY, 'mock-chat')).toBe('from by-default');
    expect(await ask(TEST_ADMIN_KEY, 'team-model')).toBe('from by-alias');
    const second = await api(gw, 'PUT', '/pipelines/other-pl/bindings', { default: true });
    expect(second.status).toBe(409);
    // Unbinding the default brings direct routing back.
    await api(gw, 'PUT', '/pipelines/default-pl/bindings', {});
    expect(await ask(TEST_ADMIN_KEY, 'mock-chat')).toBe('hello');
  });
});
