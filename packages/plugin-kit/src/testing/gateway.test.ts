import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, startPluginGateway, type PluginGateway } from './gateway';

/* A dependency-free provider plugin in two files; `reply.js` is what the tests change. */
function writeEchoProvider(dir: string, reply: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'echo-provider', type: 'module', main: 'index.js', switchyard: { plugin: true } }));
  writeReply(dir, reply);
  writeFileSync(
    path.join(dir, 'index.js'),
    `import { reply } from './reply.js';
const completion = (model) => ({
  id: 'chatcmpl-echo', object: 'chat.completion', created: 1700000000, model,
  choices: [{ index: 0, message: { role: 'assistant', content: reply, refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});
export default {
  manifest: {
    id: 'echo', kind: 'provider', version: '1.0.0', hostRange: '^0.1.0', name: 'Echo',
    settingsSchema: { type: 'object', properties: { greeting: { type: 'string', title: 'Greeting', 'x-ui': { order: 1 } } } },
  },
  createProvider: () => ({
    async chat(_request, ctx) { return completion(ctx.model); },
    async *chatStream(_request, ctx) { throw new Error('not used'); },
  }),
};
`,
  );
}

function writeReply(dir: string, reply: string) {
  writeFileSync(path.join(dir, 'reply.js'), `export const reply = ${JSON.stringify(reply)};\n`);
}

async function chat(gw: PluginGateway, model: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...gw.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function plugins(gw: PluginGateway): Promise<{ data: Array<Record<string, any>>; refused: Array<Record<string, any>> }> {
  const res = await fetch(`${gw.url}/api/plugins`, { headers: gw.auth });
  return (await res.json()) as { data: Array<Record<string, any>>; refused: Array<Record<string, any>> };
}

/** Polls (bounded: 30 s) until `check` holds: the watcher works on file-system events, which a busy machine delivers late. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 1200 && !check(value); i++) {
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return value;
}

describe('startPluginGateway', () => {
  let root: string;
  let folder: string;
  let gw: PluginGateway;
  const logs = captureLogs();

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'sy-kit-gw-'));
    folder = path.join(root, 'echo-provider');
    writeEchoProvider(folder, 'version one');
    gw = await startPluginGateway({
      plugins: [folder],
      config: {
        providers: [
          { id: 'echo', plugin: 'echo', settings: { greeting: 'hello' } },
          { id: 'mock', plugin: 'mock' },
        ],
        models: [
          { id: 'echo-model', provider: 'echo' },
          { id: 'mock-chat', provider: 'mock' },
        ],
        pipelines: [],
      },
      pluginReload: true,
      logger: logs.logger,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('loads a plugin folder the way the server loads plugins/*, next to the stock plugins', async () => {
    const list = await plugins(gw);
    const echo = list.data.find((p) => p.id === 'echo');
    expect(echo).toMatchObject({ kind: 'provider', status: 'loaded', package: 'echo-provider' });
    // The console draws the provider form from this schema, x-ui hints included.
    expect(echo?.settingsSchema.properties.greeting['x-ui']).toEqual({ order: 1 });
    expect(list.data.map((p) => p.id)).toEqual(expect.arrayContaining(['mock', 'token-rates']));
    const answer = await chat(gw, 'echo-model');
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe('version one');
  });

  it('reloads the plugin when its files change, without a restart', { timeout: 60_000 }, async () => {
    writeReply(folder, 'version two');
    const answer = await eventually(
      () => chat(gw, 'echo-model'),
      (a) => a.body.choices?.[0]?.message?.content === 'version two',
    );
    expect(answer.body.choices[0].message.content).toBe('version two');
  });

  it('reports a broken plugin in the log and in GET /api/plugins, and keeps serving everything else', { timeout: 90_000 }, async () => {
    writeFileSync(path.join(folder, 'reply.js'), 'export const reply = ;\n');
    const list = await eventually(
      () => plugins(gw),
      (l) => l.refused.some((r) => r.package === 'echo-provider'),
    );
    const refused = list.refused.find((r) => r.package === 'echo-provider');
    expect(refused?.status).toBe('refused');
    expect(refused?.reasons.join(' ')).toMatch(/failed to load/);
    expect(list.data.some((p) => p.id === 'echo')).toBe(false);
    expect(logs.lines.some((l) => l.level === 'error' && /plugin refused: echo-provider/.test(l.msg ?? ''))).toBe(true);

    const broken = await eventually(
      () => chat(gw, 'echo-model'),
      (a) => a.status !== 200,
    );
    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(broken.body.error).toBeDefined();
    const mock = await chat(gw, 'mock-chat');
    expect(mock.status).toBe(200);

    writeReply(folder, 'version three');
    const fixed = await eventually(
      () => chat(gw, 'echo-model'),
      (a) => a.body.choices?.[0]?.message?.content === 'version three',
    );
    expect(fixed.status).toBe(200);
    expect((await plugins(gw)).refused).toEqual([]);
  });
});

/* An auth plugin whose accepted token lives in a second module, so a reload can change it. */
function writeTokenAuth(dir: string, token: string) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'token-auth', type: 'module', main: 'index.js', switchyard: { plugin: true } }));
  writeFileSync(path.join(dir, 'token.js'), `export const token = ${JSON.stringify(token)};\n`);
  writeFileSync(
    path.join(dir, 'index.js'),
    `import { token } from './token.js';
export default {
  manifest: { id: 'token-auth', kind: 'auth', version: '1.0.0', hostRange: '^0.1.0', name: 'Token', settingsSchema: { type: 'object' } },
  createAuth: () => ({
    async authenticate(req) {
      const presented = req.headers['x-test-token'];
      if (presented === undefined) return { outcome: 'skip' };
      if (presented === token) return { outcome: 'ok', principal: { method: 'token-auth', id: 'token-auth:test', scopes: ['models'] } };
      return { outcome: 'deny', error: { status: 401, type: 'authentication_error', code: 'bad_test_token', message: 'wrong token', retryable: false } };
    },
  }),
};
`,
  );
}

describe('startPluginGateway with an auth plugin and reload', () => {
  let root: string;
  let folder: string;
  let gw: PluginGateway;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'sy-kit-auth-'));
    folder = path.join(root, 'token-auth');
    writeTokenAuth(folder, 'first-token');
    gw = await startPluginGateway({ plugins: [folder], authPlugins: [{ plugin: 'token-auth' }], pluginReload: true });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const models = (token: string) => fetch(`${gw.url}/v1/models`, { headers: { 'x-test-token': token } }).then((r) => r.status);

  it('puts the enabled auth plugin in the chain', async () => {
    expect(gw.authChain.list()).toContain('token-auth');
    expect(await models('first-token')).toBe(200);
    expect(await models('other-token')).toBe(401);
  });

  it('rebuilds the auth chain when the auth plugin is reloaded', { timeout: 60_000 }, async () => {
    writeFileSync(path.join(folder, 'token.js'), `export const token = 'second-token';\n`);
    expect(await eventually(() => models('second-token'), (status) => status === 200)).toBe(200);
    expect(await models('first-token')).toBe(401);
  });
});
