import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../server/src/config/config-file';
import { storageBackends } from '../support/backends';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { createTempStorage, type TempStorage } from '../support/test-database';
import { api, e, graph, n, publishPipeline, target } from './support';

const providers: ConfigFile['providers'] = [
  { id: 'alpha', plugin: 'mock', settings: { mode: 'canned', cannedText: 'from alpha' } },
  { id: 'beta', plugin: 'mock', settings: { mode: 'canned', cannedText: 'from beta' } },
];
const declared = (provider: string, extra: Record<string, unknown> = {}) => ({
  id: 'cfg',
  name: 'From the file',
  aliases: ['cfg-model'],
  graph: graph([n('fb', 'fallback', { branches: [{ id: 'main' }] }), target('t', provider, 'm')], [e('fb', 'main', 't')]),
  ...extra,
});

/** Pipelines declared in the config file, applied at start as published versions; restarts against the same storage. */
describe.each(await storageBackends())('config-declared pipelines on %s', (backend) => {
  let storage: TempStorage;

  beforeAll(async () => {
    storage = await createTempStorage(backend, 'sy-pl-config-');
  });
  afterAll(async () => {
    await storage?.close();
  });

  /** A gateway over the shared storage: what a restart looks like. */
  const boot = (pipelines: unknown[]): Promise<TestGateway> =>
    startTestGateway({ config: { providers, models: [], pipelines: pipelines as ConfigFile['pipelines'] }, env: storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : { SWITCHYARD_DATA_DIR: storage.dataDir } });

  async function withGateway<T>(pipelines: unknown[], work: (gw: TestGateway) => Promise<T>): Promise<T> {
    const gw = await boot(pipelines);
    try {
      return await work(gw);
    } finally {
      await gw.stop();
    }
  }
  const ask = async (gw: TestGateway, model: string) =>
    (await new OpenAI({ apiKey: TEST_ADMIN_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] })).choices[0].message.content;

  it('publishes a declared pipeline with its bindings, and a new version only when the file changes', async () => {
    await withGateway([declared('alpha')], async (gw) => {
      expect(await ask(gw, 'cfg-model')).toBe('from alpha');
      const view = (await api(gw, 'GET', '/pipelines/cfg')).body;
      expect(view).toMatchObject({ source: 'config', name: 'From the file', publishedVersion: 1, bindings: { aliases: ['cfg-model'] } });
      expect((await api(gw, 'GET', '/pipelines/cfg/versions')).body.data).toEqual([expect.objectContaining({ version: 1, source: 'config', createdBy: 'config' })]);
      // A pipeline made through the API lives beside it.
      await publishPipeline(gw, 'made-here', graph([target('t', 'beta', 'm')]), { aliases: ['here'] });
    });

    await withGateway([declared('alpha')], async (gw) => {
      expect((await api(gw, 'GET', '/pipelines/cfg/versions')).body.data).toHaveLength(1);
      // Loaded from storage at start, not only from the file.
      expect(await ask(gw, 'here')).toBe('from beta');
    });

    await withGateway([declared('beta', { aliases: ['cfg-model', 'cfg-two'] })], async (gw) => {
      expect(await ask(gw, 'cfg-two')).toBe('from beta');
      expect((await api(gw, 'GET', '/pipelines/cfg/versions')).body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    });

    await withGateway([], async (gw) => {
      expect((await api(gw, 'GET', '/pipelines/cfg')).status).toBe(404);
      expect((await api(gw, 'GET', '/pipelines/made-here')).status).toBe(200);
    });
  });

  it('refuses to start with a declared graph that does not compile, naming pipeline, node and field', async () => {
    const bad = declared('alpha', { graph: graph([n('route', 'conditional', { rules: [{ id: 'r', when: 'model ===' }] }), target('a', 'alpha', 'm'), target('b', 'alpha', 'm')], [e('route', 'r', 'a'), e('route', 'default', 'b')]) });
    await expect(boot([bad])).rejects.toThrow(/pipeline 'cfg'.*node 'route' \(params\.rules\[0\]\.when\)/);
  });

  it('refuses to start with a malformed declaration', async () => {
    await expect(boot([{ id: 'Bad Id', graph: { nodes: [], edges: [] } }])).rejects.toThrow(/pipelines\[0\]\.id/);
    await expect(boot([declared('alpha'), declared('beta', { id: 'cfg2' })])).rejects.toThrow(/alias 'cfg-model' is also declared/);
  });
});
