import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../support/postgres';
import { REDIS_URL, redisAvailable, uniqueRedisPrefix } from '../support/redis';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { within } from '../support/within';

const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };

async function call(gw: TestGateway, method: string, route: string, body?: unknown, headers: Record<string, string> = admin) {
  const res = await fetch(`${gw.url}${route}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000), // an answer, not a hang
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
const chat = (gw: TestGateway, headers = admin, content = 'hello') => call(gw, 'POST', '/v1/chat/completions', { model: 'mock-chat', messages: [{ role: 'user', content }] }, headers);

/**
 * PostgreSQL goes away for a while (a TCP proxy in front of it is cut): the gateway answers
 * clearly instead of hanging or crashing, keeps serving what needs no database, and recovers by
 * itself when the database is back.
 */
describe.skipIf(!(await postgresAvailable()))('a PostgreSQL outage', () => {
  let db: TempDatabase;
  let proxy: TcpProxy;
  let gw: TestGateway;

  beforeAll(async () => {
    db = await createTempDatabase();
    const url = new URL(db.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    gw = await startTestGateway({ env: { DATABASE_URL: url.toString(), SWITCHYARD_USAGE_FLUSH_MS: '100' } });
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 where the database is needed, serves on where it is not, and recovers alone', async () => {
    const user = await call(gw, 'POST', '/api/users', { email: 'outage@example.com', role: 'member', password: 'outage-password-1' });
    expect(user.status).toBe(201);
    const known = await call(gw, 'POST', '/api/keys', { name: 'known', userId: user.body.id });
    const unseen = await call(gw, 'POST', '/api/keys', { name: 'unseen', userId: user.body.id });
    const knownKey = { authorization: `Bearer ${known.body.key}` };
    expect((await chat(gw, knownKey)).status).toBe(200); // verified once: cached
    const eventsBefore = Number((await gw.db('usage_events').count({ n: '*' }))[0].n);

    proxy.cut();

    expect((await call(gw, 'GET', '/readyz')).status).toBe(503);
    expect((await call(gw, 'GET', '/healthz')).status).toBe(200); // alive, just not ready
    // Admin API: a clear, retryable 503 in the OpenAI shape.
    const users = await call(gw, 'GET', '/api/users');
    expect(users.status).toBe(503);
    expect(users.body).toEqual({ error: { message: expect.stringMatching(/cannot reach its database/), type: 'server_error', param: null, code: 'database_unavailable' } });
    expect(users.headers.get('retry-after')).toBe('2');
    expect(JSON.stringify(users.body)).not.toContain(String(proxy.port)); // no addresses in errors
    // A key never seen before cannot be checked: 503, not 401.
    const fresh = await chat(gw, { authorization: `Bearer ${unseen.body.key}` });
    expect(fresh.status).toBe(503);
    expect(fresh.body.error.code).toBe('database_unavailable');
    // The request path needs no database: the admin key and a cached key keep working.
    expect((await chat(gw, admin, 'during the outage 1')).status).toBe(200);
    expect((await chat(gw, knownKey, 'during the outage 2')).status).toBe(200);

    proxy.restore();

    await within(15_000, async () => {
      expect((await call(gw, 'GET', '/readyz')).status).toBe(200);
      expect((await call(gw, 'GET', '/api/users')).status).toBe(200);
      expect((await chat(gw, { authorization: `Bearer ${unseen.body.key}` })).status).toBe(200);
    }, 250);
    // The usage events of the requests served during the outage were written once it ended.
    await within(15_000, async () => {
      const n = Number((await gw.db('usage_events').count({ n: '*' }))[0].n);
      expect(n).toBeGreaterThanOrEqual(eventsBefore + 3);
    }, 250);
  }, 60_000);
});

/**
 * Redis goes away for a while: pipelines with shared rate limits keep serving (the stores fail
 * open, with a log line), and the gateway uses Redis again once it is back, without a restart.
 */
describe.skipIf(!(await redisAvailable()))('a Redis outage', () => {
  let proxy: TcpProxy;
  let gw: TestGateway;
  const prefix = uniqueRedisPrefix();

  beforeAll(async () => {
    const url = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 6379) });
    url.host = `127.0.0.1:${proxy.port}`;
    gw = await startTestGateway({ env: { REDIS_URL: url.toString(), SWITCHYARD_REDIS_PREFIX: prefix } });
  }, 30_000);
  afterAll(async () => {
    await gw?.stop();
    await proxy?.close();
  });

  it('keeps rate-limited pipelines serving while Redis is away, and counts in Redis again after', async () => {
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'rl', type: 'rate-limit', typeVersion: 1, params: { rpm: 3, scope: 'global' } },
        { id: 't', type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'mock-chat' } },
      ],
      edges: [{ source: 'rl', sourceHandle: 'next', target: 't', targetHandle: 'in' }],
    };
    expect((await call(gw, 'POST', '/api/pipelines', { id: 'limited', graph })).status).toBe(201);
    expect((await call(gw, 'POST', '/api/pipelines/limited/publish', {})).status).toBe(201);
    expect((await call(gw, 'PUT', '/api/pipelines/limited/bindings', { aliases: ['limited'] })).status).toBe(200);
    const limited = () => call(gw, 'POST', '/v1/chat/completions', { model: 'limited', messages: [{ role: 'user', content: 'hi' }] });

    const before = [];
    for (let i = 0; i < 4; i++) before.push((await limited()).status);
    expect(before).toEqual([200, 200, 200, 429]); // the limit is counted in Redis

    proxy.cut();
    const during = [];
    for (let i = 0; i < 4; i++) during.push((await limited()).status);
    expect(during).toEqual([200, 200, 200, 200]); // fails open: no outage of the gateway

    proxy.restore();
    // Back: the window's count lives in Redis again (3 + whatever got through), so it limits.
    await within(15_000, async () => {
      expect((await limited()).status).toBe(429);
    }, 250);
    expect((await chat(gw)).status).toBe(200);
  }, 60_000);
});
