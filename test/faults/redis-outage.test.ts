import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../scale/instances';
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../support/postgres';
import { REDIS_URL, redisAvailable, uniqueRedisPrefix } from '../support/redis';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { ADMIN_KEY, MASTER_KEY, call, within } from './support';

const available = (await redisAvailable()) && (await postgresAvailable());

const node = (id: string, type: string, params: Record<string, unknown>) => ({ id, type, typeVersion: 1, params });
const edge = (source: string, target: string) => ({ source, sourceHandle: 'next', target, targetHandle: 'in' });

/**
 * Two instances on one PostgreSQL and one Redis; instance a reaches Redis through a TCP proxy the
 * test cuts and restores. While Redis is away from a, a keeps serving (its shared stores fail
 * open, as documented, and say so in the log); once it is back, a counts in Redis again, hears
 * and sends change notices again, and catches up on the changes it missed, without a restart.
 */
describe.skipIf(!available)('a Redis outage on one of two instances', () => {
  let db: TempDatabase;
  let proxy: TcpProxy;
  let dataDir: string;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    db = await createTempDatabase();
    const redis = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    const viaProxy = new URL(REDIS_URL);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    // An empty config: the fresh database gets the mock provider (mock-chat).
    dataDir = mkdtempSync(path.join(tmpdir(), 'sy-faults-'));
    const configFile = path.join(dataDir, 'switchyard.config.yaml');
    writeFileSync(configFile, '{}');
    const env = {
      DATABASE_URL: db.url,
      SWITCHYARD_REDIS_PREFIX: uniqueRedisPrefix(),
      SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHYARD_MASTER_KEY: MASTER_KEY,
      SWITCHYARD_CONFIG: configFile,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_LOG_LEVEL: 'info',
      SWITCHYARD_REQUEST_LOG: 'false',
    };
    a = await startInstance({ ...env, REDIS_URL: viaProxy.toString() }); // migrates and seeds the mock provider
    b = await startInstance({ ...env, REDIS_URL });
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const chat = (inst: Instance, model: string, key = ADMIN_KEY) => call(inst.url, 'POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }, key);
  const publish = async (inst: Instance, id: string, nodes: unknown[], edges: unknown[]) => {
    expect((await call(inst.url, 'POST', '/api/pipelines', { id, graph: { schemaVersion: 1, nodes, edges } })).status).toBe(201);
    expect((await call(inst.url, 'POST', `/api/pipelines/${id}/publish`, {})).status).toBe(201);
    expect((await call(inst.url, 'PUT', `/api/pipelines/${id}/bindings`, { aliases: [id] })).status).toBe(200);
  };
  const newKey = async (name: string) => {
    const user = await call(a.url, 'POST', '/api/users', { email: `${name}@example.com`, role: 'member', password: 'redis-outage-password-1' });
    const key = await call(a.url, 'POST', '/api/keys', { name, userId: user.body.id });
    expect(key.status).toBe(201);
    return { id: key.body.id as string, secret: key.body.key as string };
  };

  it('fails open on the instance that lost Redis, says so in its log, and counts in Redis again once it is back', async () => {
    await publish(b, 'limited', [node('rl', 'rate-limit', { rpm: 4, scope: 'global' }), node('t', 'target', { provider: 'mock', model: 'mock-chat' })], [edge('rl', 't')]);
    await within(2000, async () => expect((await chat(a, 'limited')).status).toBe(200)); // a learned of it: 1 of 4 used
    const before: number[] = [];
    for (let i = 0; i < 6; i++) before.push((await chat(i % 2 ? a : b, 'limited')).status);
    // One window for both, kept in Redis: at most the 3 left pass, alternating instances (each alone
    // would allow 4). Not the exact positions: a command resent after a reconnect may count twice.
    expect(before[0]).toBe(200);
    expect(before.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(before.slice(3)).toEqual([429, 429, 429]);

    proxy.cut();
    const during: Array<{ status: number; ms: number }> = [];
    for (let i = 0; i < 4; i++) {
      const t0 = Date.now();
      during.push({ status: (await chat(a, 'limited')).status, ms: Date.now() - t0 });
    }
    // Documented: the limit fails open on a (no outage of the gateway), promptly, not after a hang.
    expect(during.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    expect(Math.max(...during.map((d) => d.ms))).toBeLessThan(5000);
    expect((await chat(b, 'limited')).status).toBe(429); // b still enforces the shared window
    await within(2000, async () => {
      expect(a.output()).toMatch(/"store":"rateLimits".*shared pipeline store unavailable: letting the request through without it/);
    });

    proxy.restore();
    await within(15_000, async () => expect((await chat(a, 'limited')).status).toBe(429), 250);
    await within(2000, async () => expect(a.output()).toMatch(/"connection":"commands".*Redis connection restored/));
  }, 40_000);

  it('hears and sends change notices again after Redis is back, and catches up on what it missed', async () => {
    const missedRevocation = await newKey('missed');
    const laterRevocation = await newKey('later');
    for (const k of [missedRevocation, laterRevocation]) expect((await chat(a, 'mock-chat', k.secret)).status).toBe(200); // cached on a

    proxy.cut();
    // Changes made on b while a cannot hear: a key revoked, a pipeline published.
    expect((await call(b.url, 'DELETE', `/api/keys/${missedRevocation.id}`)).status).toBe(200);
    await publish(b, 'missed', [node('t', 'target', { provider: 'mock', model: 'mock-chat' })], []);
    await new Promise((r) => setTimeout(r, 500));
    proxy.restore();

    // a re-reads what may have changed as soon as its subscription is back.
    await within(15_000, async () => {
      expect((await chat(a, 'missed')).status).toBe(200);
      expect((await chat(a, 'mock-chat', missedRevocation.secret)).status).toBe(401);
    }, 250);
    expect(a.output()).toMatch(/re-reading what other instances may have changed/);

    // And notices flow again, both ways, within a second.
    expect((await call(b.url, 'DELETE', `/api/keys/${laterRevocation.id}`)).status).toBe(200);
    await within(1000, async () => expect((await chat(a, 'mock-chat', laterRevocation.secret)).status).toBe(401));
    expect((await call(a.url, 'PUT', '/api/models/from-a', { providerId: 'mock', upstreamModel: 'mock-chat' })).status).toBe(200);
    await within(1000, async () => expect((await chat(b, 'from-a')).status).toBe(200));
  }, 40_000);
});
