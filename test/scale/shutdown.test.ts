import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startInstance, type Instance } from './instances';

const ADMIN_KEY = 'sy-admin-shutdown-test-0123456789';
const WORDS = Array.from({ length: 12 }, (_, i) => `word${i}`).join(' ');

/** Opens a streamed chat completion and resolves once the first chunk arrived; `rest` reads it to the end. */
async function openStream(inst: Instance) {
  const res = await fetch(`${inst.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const first = await reader.read();
  const rest = async () => {
    let raw = decoder.decode(first.value, { stream: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        raw += decoder.decode(value, { stream: true });
      }
    } catch {
      return { raw, cut: true };
    }
    return { raw, cut: false };
  };
  return { rest };
}

/** Every `delta.content` in an SSE body, joined. */
const contentOf = (raw: string) =>
  raw
    .split('\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => JSON.parse(l.slice(6)).choices?.[0]?.delta?.content ?? '')
    .join('');

describe('graceful shutdown and the request log', () => {
  let upstream: OpenAIEmulator;
  let dataDir: string;
  let inst: Instance | undefined;

  beforeAll(async () => {
    upstream = await startOpenAIEmulator();
  });
  afterAll(async () => {
    await upstream?.close();
  });
  afterEach(async () => {
    await inst?.stop();
    inst = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async (graceMs: number, env: Record<string, string> = {}) => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sy-shutdown-'));
    const configFile = path.join(dataDir, 'switchyard.config.yaml');
    writeFileSync(configFile, JSON.stringify({ providers: [{ id: 'openai', plugin: 'openai', settings: { baseUrl: upstream.openaiUrl }, credentials: [{ name: 'main', secret: { apiKey: 'sk-emulator-openai-0001' } }] }], models: [{ id: 'gpt-4o-mini', provider: 'openai' }] }));
    inst = await startInstance({
      SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
      SWITCHYARD_CONFIG: configFile,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_LOG_LEVEL: 'info',
      SWITCHYARD_SEED_MOCK: 'false',
      SWITCHYARD_SHUTDOWN_GRACE_MS: String(graceMs),
      DATABASE_URL: '',
      REDIS_URL: '',
      ...env,
    });
    return inst;
  };

  it('on SIGTERM refuses new connections, lets a stream in flight finish, records its usage and exits 0', async () => {
    const gw = await start(30_000);
    upstream.enqueue({ text: WORDS, chunkDelayMs: 40 });
    const stream = await openStream(gw);
    const exited = gw.stop();
    // The listener closes at once: a new connection is refused while the stream goes on.
    await expect.poll(async () => fetch(`${gw.url}/health`).then(() => 'accepted', () => 'refused'), { timeout: 5000, interval: 20 }).toBe('refused');
    const { raw, cut } = await stream.rest();
    expect(cut).toBe(false);
    expect(contentOf(raw)).toContain('word11');
    expect(raw).toContain('data: [DONE]');
    expect(await exited).toBe(0);

    // Usage was written before the process left.
    const db = knex({ client: 'sqlite3', connection: { filename: path.join(dataDir, 'switchyard.db') }, useNullAsDefault: true });
    try {
      const rows = await db('usage_events').select('status');
      expect(rows.map((r) => Number(r.status))).toContain(200);
    } finally {
      await db.destroy();
    }

    // One request line per request, with id, method, path, status and latency, and no secrets.
    const lines = gw
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const chat = lines.filter((l) => l.msg === 'request' && l.path === '/v1/chat/completions');
    expect(chat, gw.output().slice(-3000)).toHaveLength(1);
    expect(chat[0]).toMatchObject({ method: 'POST', status: 200, requestId: expect.any(String), latencyMs: expect.any(Number) });
    expect(gw.output()).not.toContain(ADMIN_KEY);
    expect(gw.output()).not.toContain('sk-emulator-openai-0001');
    expect(gw.output()).not.toContain(WORDS.slice(0, 20));
  });

  it('while draining /readyz answers 503: with SWITCHYARD_SHUTDOWN_DELAY_MS it keeps serving meanwhile, then stops listening and exits 0', async () => {
    const gw = await start(30_000, { SWITCHYARD_SHUTDOWN_DELAY_MS: '4000' });
    const readiness = async () => {
      const r = await fetch(`${gw.url}/readyz`);
      return `${r.status} ${((await r.json()) as { status: string }).status}`;
    };
    expect(await readiness()).toBe('200 ready');
    const exited = gw.stop();
    await expect.poll(readiness, { timeout: 3000, interval: 20 }).toBe('503 draining');
    // Not ready, but still serving: liveness and real requests.
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    const chat = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'during the delay' }] }),
    });
    expect(chat.status).toBe(200);
    expect(await readiness()).toBe('503 draining');
    // After the delay the listener closes, and the process exits as usual.
    await expect.poll(async () => fetch(`${gw.url}/healthz`).then(() => 'accepted', () => 'refused'), { timeout: 10_000, interval: 50 }).toBe('refused');
    expect(await exited).toBe(0);
    expect(gw.output()).toContain('not ready any more');
  });

  it('cuts streams still running when the grace period is over, and still exits 0', async () => {
    const gw = await start(300);
    upstream.enqueue({ text: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '), chunkDelayMs: 100 });
    const stream = await openStream(gw);
    const exited = gw.stop();
    const { raw, cut } = await stream.rest();
    expect(cut || !raw.includes('[DONE]')).toBe(true);
    expect(contentOf(raw)).not.toContain('w199');
    expect(await exited).toBe(0);
    expect(gw.output()).toContain('shutdown grace period over');
  });
});
