import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../support/postgres';
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
