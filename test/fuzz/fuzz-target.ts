import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bytes from 'bytes';
import knex, { type Knex } from 'knex';
import { readEnv } from '../../server/src/config/env';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';
import { startInstance, type Instance } from '../scale/instances';
import { listRoutes } from '../security/routes';
import { connectInspector, type Inspector } from './inspector';
import type { Json } from './mutations';
import type { RawOutcome } from './raw-http';

/**
 * The gateway under fuzz: a separate process (so "it stays up" and its memory are measured for
 * real), an admin key and a normal user's key, the routes to fuzz and a valid body for each.
 */

export const FUZZ_ADMIN_KEY = 'sy-admin-fuzz-test-0123456789';

export interface FuzzTarget {
  instance: Instance;
  dataDir: string;
  adminKey: string;
  userKey: string;
  /** The process's resident set size in bytes (Linux /proc). */
  rss(): number;
  /** The process's memory right after a full garbage collection (through its inspector). */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  /** Stops the process (SIGTERM: usage flushed) and resolves with its exit code; the data dir stays until `cleanup`. */
  stop(): Promise<number | null>;
  /** The stopped instance's SQLite database. */
  openDatabase(): Knex;
  cleanup(): void;
}

export async function startFuzzTarget(env: Record<string, string>): Promise<FuzzTarget> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-fuzz-'));
  // An empty config: the mock provider is seeded (mock-chat, mock-embed, mock-image), nothing else.
  writeFileSync(path.join(dataDir, 'switchyard.config.yaml'), 'providers: []\n');
  const instance = await startInstance({
    SWITCHYARD_ADMIN_KEY: FUZZ_ADMIN_KEY,
    SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    SWITCHYARD_CONFIG: path.join(dataDir, 'switchyard.config.yaml'),
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_LOG_LEVEL: 'warn',
    SWITCHYARD_REQUEST_LOG: 'false',
    DATABASE_URL: '',
    REDIS_URL: '',
    // The inspector on loopback, on a free port: the test forces collections to measure memory.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim(),
    ...env,
  });
  let inspector: Inspector | undefined;
  try {
    const userKey = await createUserKey(instance.url);
    const wsUrl = /Debugger listening on (ws:\/\/\S+)/.exec(instance.output())?.[1];
    if (!wsUrl) throw new Error(`the instance printed no inspector address:\n${instance.output().slice(0, 2000)}`);
    inspector = await connectInspector(wsUrl);
    const connected = inspector;
    return {
      instance,
      dataDir,
      adminKey: FUZZ_ADMIN_KEY,
      userKey,
      rss: () => rssOf(instance.process.pid!),
      memoryAfterGc: () => connected.memoryAfterGc(),
      stop: () => {
        connected.close();
        return instance.stop();
      },
      openDatabase: () => knex({ client: 'sqlite3', connection: { filename: path.join(dataDir, 'switchyard.db') }, useNullAsDefault: true }),
      cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
    };
  } catch (err) {
    inspector?.close();
    await instance.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A member with a key for every /v1 scope and credits to spend, made through the admin API as an
 * operator would. Billing is in credits mode with mock-chat priced, so the member's requests
 * that go through leave holds, settlements and journal entries: refused ones must leave none.
 */
async function createUserKey(url: string): Promise<string> {
  const call = async (method: string, path: string, body: unknown, expected: number) => {
    const r = await fetch(url + path, { method, headers: { authorization: `Bearer ${FUZZ_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (r.status !== expected) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, string>;
  };
  await call('PATCH', '/api/billing/settings', { mode: 'credits', unpriced: 'free' }, 200);
  await call('POST', '/api/billing/prices', { scope: 'provider', scopeId: 'mock', model: 'mock-chat', cost: { inputPer1M: 1_000_000, outputPer1M: 2_000_000 } }, 201);
  const user = await call('POST', '/api/users', { email: 'member@example.com', role: 'member', password: 'member-password-123' }, 201);
  await call('POST', `/api/billing/accounts/user:${user.id}/topups`, { amount: 1_000_000_000 }, 201);
  const key = await call('POST', '/api/keys', { name: 'member key', userId: user.id, scopes: ['chat', 'embeddings', 'images', 'messages', 'models'] }, 201);
  return key.key!;
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

export interface Route {
  method: string;
  /** The express pattern (`/api/users/:id`). */
  pattern: string;
  /** A concrete path: parameters filled with ids that exist nowhere. */
  path: string;
}

/**
 * Every /v1 and /api route that takes a body (POST, PUT, PATCH), read from the express app the
 * server builds (an in-process gateway that does not listen), so a new route is fuzzed without
 * anyone adding it here.
 */
export async function bodyRoutes(): Promise<Route[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sy-fuzz-routes-'));
  const env = readEnv({ PORT: '0', SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_CONFIG: '', SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), SWITCHYARD_ADMIN_KEY: FUZZ_ADMIN_KEY, SWITCHYARD_LOG_LEVEL: 'silent' });
  env.configFile = path.join(dataDir, 'none.yaml');
  const gw = await createGateway({ env, logger: createLogger('silent'), listen: false, config: { providers: [], models: [], pipelines: [] } });
  try {
    return listRoutes(gw.app)
      .filter((r) => /^\/(v1|api)\//.test(r.path) && ['POST', 'PUT', 'PATCH'].includes(r.method))
      .map((r) => ({ method: r.method, pattern: r.path, path: r.path.replace(/:\w+/g, 'fuzz-missing').replace(/\*\w+/g, 'fuzz/missing') }));
  } finally {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const chat: Json = {
  model: 'mock-chat',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'found' },
  ],
  temperature: 0.5,
  top_p: 1,
  max_tokens: 16,
  n: 1,
  stop: ['\n\n'],
  stream: false,
  user: 'fuzz',
  metadata: { run: 'fuzz' },
  tools: [{ type: 'function', function: { name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
  tool_choice: 'auto',
  response_format: { type: 'text' },
};

/** A valid body for each route (by METHOD pattern); others get a generic object. */
const SEEDS: Record<string, Json> = {
  'POST /v1/chat/completions': chat,
  'POST /v1/embeddings': { model: 'mock-embed', input: ['first', 'second'], encoding_format: 'float', dimensions: 8 },
  'POST /v1/images/generations': { model: 'mock-image', prompt: 'a lighthouse', n: 1, size: '256x256', response_format: 'b64_json' },
  'POST /v1/messages': { model: 'mock-chat', max_tokens: 16, system: 'Be brief.', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }], temperature: 0.5, stop_sequences: ['\n\n'] },
  'POST /api/auth/login': { email: 'nobody@example.com', password: 'not-the-password' },
  'POST /api/auth/password': { currentPassword: 'not-the-password', newPassword: 'a-new-password-123' },
  'POST /api/users': { email: 'fuzzed@example.com', name: 'Fuzzed', role: 'viewer', password: 'fuzzed-password-123' },
  'PATCH /api/users/:id': { name: 'Fuzzed', role: 'viewer', disabled: false },
  'POST /api/keys': { name: 'fuzzed', scopes: ['chat'], allowedModels: ['mock-chat'], rpm: 60, expiresInDays: 1, budget: { credits: 10, period: 'day' }, attributes: { team: 'x' } },
  'POST /api/providers': { id: 'fuzzed', plugin: 'mock', name: 'Fuzzed', settings: {}, enabled: false },
  'PATCH /api/providers/:id': { name: 'Fuzzed', enabled: false },
  'POST /api/providers/:id/credentials': { name: 'fuzzed', secret: { apiKey: 'sk-fuzzed' } },
  'PUT /api/models/*id': { providerId: 'mock', upstreamModel: 'mock-chat', aliases: ['fuzzed'], capabilities: ['chat'], enabled: false },
  'POST /api/billing/accounts': { kind: 'user', ownerId: 'fuzzed', creditLimit: 0 },
  'POST /api/billing/accounts/:id/topups': { credits: '1.5', memo: 'fuzz' },
  'PUT /api/billing/budgets': { scope: 'key', scopeId: 'fuzzed', period: 'day', hardLimit: 10 },
  'PUT /api/analytics/retention': { rawDays: 30, minuteDays: 7 },
  'POST /api/pipelines': { id: 'fuzzed', name: 'Fuzzed', description: 'd', graph: { schemaVersion: 1, nodes: [], edges: [], layout: {} } },
  'PATCH /api/pipelines/:id': { name: 'Fuzzed', graph: { schemaVersion: 1, nodes: [], edges: [] } },
  'POST /api/pipelines/validate': { graph: { schemaVersion: 1, nodes: [], edges: [] } },
  'POST /api/pipelines/:id/rollback': { version: 1, note: 'n' },
  'PUT /api/pipelines/:id/bindings': { aliases: ['fuzzed'], keys: [], projects: [], default: false },
  'POST /api/pipelines/:id/test-run': { request: { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] }, kind: 'chat', version: 'draft', useMock: true },
  'POST /api/oauth/clients': { name: 'fuzzed', redirectUris: ['https://example.com/callback'] },
};
const GENERIC_SEED: Json = { name: 'fuzzed', id: 'fuzzed', enabled: false, amount: 1, note: 'n', tags: ['a'], settings: { a: 'b' } };

export const seedBody = (route: Route): Json => SEEDS[`${route.method} ${route.pattern}`] ?? GENERIC_SEED;

/**
 * The body limit to size huge strings around: the server's for /v1, the admin routers' own
 * (express.json limits in server/src/http/admin: up to 2mb for pipelines, 1mb elsewhere).
 */
export function routeBodyLimit(route: Route, v1Limit: string): number {
  if (route.pattern.startsWith('/v1/')) return bytes.parse(v1Limit)!;
  return route.pattern.startsWith('/api/pipelines') ? 2 * 1024 * 1024 : 1024 * 1024;
}

/**
 * What is wrong with an answer to bad input, or undefined when it is clean: a response (no reset,
 * no silent close), never 5xx, nothing sent after it, and errors in the API's error shape:
 * OpenAI's `{error:{message,type,param,code}}`, or Anthropic's on /v1/messages.
 */
export function problemWith(route: Route, outcome: RawOutcome): string | undefined {
  if (outcome.kind !== 'response') return `${outcome.kind}${'error' in outcome ? ` ${outcome.error}` : ''} without a response (received ${JSON.stringify(outcome.received)})`;
  const { status, body } = outcome;
  if (status >= 500) return `status ${status}: ${body.slice(0, 300)}`;
  if (status < 200 || (status >= 300 && status < 400)) return `unexpected status ${status}`;
  if (outcome.trailing > 0) return `${outcome.trailing} bytes after the ${status} response`;
  if (status < 400) return undefined;
  if (!/^application\/json/.test(outcome.headers['content-type'] ?? '')) return `status ${status} with Content-Type ${outcome.headers['content-type']}: ${body.slice(0, 200)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `status ${status} with a body that is not JSON: ${body.slice(0, 200)}`;
  }
  // Errors about the connection itself (framing, timeouts) come before any route: OpenAI-shaped everywhere.
  const shaped = isOpenAiError(parsed) || (route.pattern === '/v1/messages' && isAnthropicError(parsed));
  return shaped ? undefined : `status ${status} with a body not in the error shape: ${body.slice(0, 300)}`;
}

export function isOpenAiError(body: unknown): boolean {
  const e = (body as { error?: Record<string, unknown> })?.error;
  if (!e || typeof e !== 'object' || Object.keys(body as object).length !== 1) return false;
  return typeof e.message === 'string' && e.message.length > 0 && typeof e.type === 'string' && 'param' in e && (e.param === null || typeof e.param === 'string') && 'code' in e && (e.code === null || typeof e.code === 'string');
}

function isAnthropicError(body: unknown): boolean {
  const b = body as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  return b?.type === 'error' && typeof b.error?.type === 'string' && typeof b.error?.message === 'string';
}
