import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../support/postgres';
import { REDIS_URL, redisAvailable, uniqueRedisPrefix } from '../support/redis';
import { within as pollUntil } from '../support/within';
import { startInstance, type Instance } from './instances';

const ADMIN_KEY = 'sy-admin-scale-test-0123456789';
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');
const available = (await redisAvailable()) && (await postgresAvailable());

/** Polls until `check` passes (the notices travel over Redis pub/sub; a second is the promise). */
const within = (ms: number, check: () => Promise<void>) => pollUntil(ms, check, 20);

/**
 * Two Switchyard processes on one PostgreSQL database and one Redis behave as one gateway:
 * shared rate limits and breakers, revocations and catalog and pipeline changes that reach the
 * other instance within a second.
 */
describe.skipIf(!available)('two instances against one PostgreSQL and one Redis', () => {
  let db: TempDatabase;
  let dataDir: string;
  let upstream: OpenAIEmulator;
  let a: Instance;
  let b: Instance;
  let env: Record<string, string>;

  const call = async (inst: Instance, method: string, route: string, body?: unknown, key = ADMIN_KEY) => {
    const res = await fetch(`${inst.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const chat = (inst: Instance, model: string) => call(inst, 'POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hello' }] });
  const publish = async (inst: Instance, id: string, nodes: unknown[], edges: unknown[], alias: string) => {
    const created = await call(inst, 'POST', '/api/pipelines', { id, graph: { schemaVersion: 1, nodes, edges } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await call(inst, 'POST', `/api/pipelines/${id}/publish`, {})).status).toBe(201);
    expect((await call(inst, 'PUT', `/api/pipelines/${id}/bindings`, { aliases: [alias] })).status).toBe(200);
  };
  const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, params });
  const edge = (source: string, sourceHandle: string, target: string) => ({ source, sourceHandle, target, targetHandle: 'in' });

  beforeAll(async () => {
    [db, upstream] = await Promise.all([createTempDatabase(), startOpenAIEmulator()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'sy-scale-'));
    const configFile = path.join(dataDir, 'switchyard.config.yaml');
    // JSON is YAML.
    writeFileSync(configFile, JSON.stringify({ providers: [{ id: 'openai', plugin: 'openai', settings: { baseUrl: upstream.openaiUrl }, credentials: [{ name: 'main', secret: { apiKey: 'sk-emulator-openai-0001' } }] }] }));
    env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      SWITCHYARD_REDIS_PREFIX: uniqueRedisPrefix(),
      SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHYARD_MASTER_KEY: MASTER_KEY,
      SWITCHYARD_CONFIG: configFile,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_LOG_LEVEL: 'warn',
      SWITCHYARD_SEED_MOCK: 'false',
    };
    a = await startInstance(env); // migrates the fresh database first
    b = await startInstance(env);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([db?.drop(), upstream?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes a pipeline on one and serves it on the other, with one global rate limit', async () => {
    await publish(a, 'limited', [node('rl', 'rate-limit', { rpm: 3, scope: 'global' }), node('t', 'target', { provider: 'openai', model: 'gpt-4o-mini' })], [edge('rl', 'next', 't')], 'limited');
    await within(1000, async () => expect((await chat(b, 'limited')).status).toBe(200)); // b learned of the publish
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await chat(i % 2 ? a : b, 'limited')).status);
    // One call already went through on b: two more fit, whichever instance serves them.
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });

  it('shares breaker state: failures seen by one open the circuit for the other', async () => {
    await publish(a, 'guarded', [node('cb', 'circuit-breaker', { failureThreshold: 2, cooldownMs: 60_000 }), node('t', 'target', { provider: 'openai', model: 'gpt-4o-mini' })], [edge('cb', 'next', 't')], 'guarded');
    await within(1000, async () => expect((await call(b, 'GET', '/api/pipelines/guarded')).status).toBe(200));
    upstream.reset();
    upstream.enqueue({ error: { status: 500, message: 'down' } }, { error: { status: 500, message: 'down' } });
    expect((await chat(a, 'guarded')).status).toBe(500);
    expect((await chat(a, 'guarded')).status).toBe(500);
    await within(1000, async () => {
      const before = upstream.requests.length;
      const res = await chat(b, 'guarded');
      expect(res.status).toBe(503);
      expect(upstream.requests.length).toBe(before); // refused by the breaker, not by the upstream
    });
  });

  it('makes a key revoked on one instance stop working on the other within a second', async () => {
    const user = await call(a, 'POST', '/api/users', { email: 'scale@example.com', role: 'member', password: 'scale-test-password-1' });
    expect(user.status).toBe(201);
    const key = await call(a, 'POST', '/api/keys', { name: 'scale', userId: user.body.id });
    expect(key.status).toBe(201);
    expect((await call(b, 'GET', '/v1/models', undefined, key.body.key)).status).toBe(200); // b has it cached now
    expect((await call(a, 'DELETE', `/api/keys/${key.body.id}`)).status).toBe(200);
    await within(1000, async () => expect((await call(b, 'GET', '/v1/models', undefined, key.body.key)).status).toBe(401));
  });

  it('shows a model added on one instance on the other, and forgets a removed one', async () => {
    const modelIds = async (inst: Instance) => ((await call(inst, 'GET', '/v1/models')).body.data as Array<{ id: string }>).map((m) => m.id);
    expect(await modelIds(b)).not.toContain('scale-model');
    const put = await call(a, 'PUT', '/api/models/scale-model', { providerId: 'openai', upstreamModel: 'gpt-4o-mini' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await within(1000, async () => expect(await modelIds(b)).toContain('scale-model'));
    expect((await chat(b, 'scale-model')).status).toBe(200);
    expect((await call(a, 'DELETE', '/api/models/scale-model')).status).toBeLessThan(300);
    await within(1000, async () => expect(await modelIds(b)).not.toContain('scale-model'));
  });

  /** A member with an API key; `ask` sends one small paid request to an instance. */
  const payingMember = async (email: string) => {
    const user = await call(a, 'POST', '/api/users', { email, role: 'member', password: 'scale-test-password-2' });
    const key = await call(a, 'POST', '/api/keys', { name: email, userId: user.body.id });
    const ask = (inst: Instance) => call(inst, 'POST', '/v1/chat/completions', { model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'go' }] }, key.body.key);
    return { account: `user:${user.body.id}`, ask };
  };

  /** Funds the member with a small balance, then sends 60 requests at once over both instances: some are answered, some refused (402), nothing else. Returns what the answered ones cost. */
  const spendAtOnce = async (member: Awaited<ReturnType<typeof payingMember>>, funded: number) => {
    expect((await call(a, 'POST', `/api/billing/accounts/${member.account}/topups`, { amount: funded })).status).toBe(201);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => member.ask(i % 2 ? a : b)));
    const ok = results.filter((r) => r.status === 200);
    expect(results.filter((r) => r.status !== 200 && r.status !== 402).map((r) => r.body)).toEqual([]);
    expect(ok.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 402).length).toBeGreaterThan(0);
    return ok.reduce((t, r) => t + r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens, 0);
  };

  it('applies billing changes everywhere, and never overdraws the ledger with both instances serving one small balance', async () => {
    expect((await call(a, 'PATCH', '/api/billing/settings', { mode: 'credits' })).status).toBe(200);
    const card = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 }; // 1 and 2 micro-credits per token
    const existing = await call(a, 'GET', '/api/billing/prices?scope=provider&scopeId=openai&model=gpt-4o-mini');
    const priced = existing.body.data.length
      ? await call(a, 'PATCH', `/api/billing/prices/${existing.body.data[0].id}`, { cost: card })
      : await call(a, 'POST', '/api/billing/prices', { scope: 'provider', scopeId: 'openai', model: 'gpt-4o-mini', cost: card });
    expect(priced.status, JSON.stringify(priced.body)).toBeLessThan(300);
    expect((await call(a, 'PUT', '/api/models/gpt-4o-mini', { providerId: 'openai' })).status).toBe(200);
    const member = await payingMember('payer@example.com');
    const { account } = member;
    // b switched to credits mode too: with no credits the member is refused there as well.
    await within(1000, async () => expect((await member.ask(b)).status).toBe(402));

    const funded = 300;
    const charged = await spendAtOnce(member, funded);
    await within(5000, async () => {
      const balance = await call(a, 'GET', `/api/billing/accounts/${account}`);
      expect(balance.body).toMatchObject({ balance: funded - charged, held: 0 });
    });
    expect(funded - charged).toBeGreaterThanOrEqual(0);
  });

  it('with credit leases too: each instance spends only what it leased, and idle leases come back', async () => {
    // Leases of 100 micro-credits, given back after a second unused (checked every third of the 3 s lease life).
    expect((await call(a, 'PATCH', '/api/billing/settings', { mode: 'credits', holdTtlSeconds: 3, leases: { enabled: true, size: 100, idleSeconds: 1 } })).status).toBe(200);
    const member = await payingMember('leaser@example.com');
    const { account } = member;
    await within(2000, async () => expect((await call(b, 'GET', '/api/billing/settings')).body.leases.enabled).toBe(true));

    const funded = 300;
    const charged = await spendAtOnce(member, funded);
    expect(charged).toBeLessThanOrEqual(funded);
    // Both leases were used (each instance answered some) and both come back once idle.
    await within(8000, async () => {
      const balance = await call(a, 'GET', `/api/billing/accounts/${account}`);
      expect(balance.body).toMatchObject({ balance: funded - charged, held: 0 });
    });
    const sql = knex({ client: 'pg', connection: db.url, pool: { min: 0, max: 1 } });
    try {
      const leases: Array<{ request_id: string; status: string }> = await sql('billing_holds').where({ account_id: account }).select('request_id', 'status');
      expect(new Set(leases.map((l) => l.request_id)).size).toBe(2);
      expect(leases.every((l) => l.status === 'released')).toBe(true);
    } finally {
      await sql.destroy();
    }
    await call(a, 'PATCH', '/api/billing/settings', { holdTtlSeconds: 3600, leases: { enabled: false } });
  });
});
