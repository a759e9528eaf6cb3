import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { adminKeyHeaders, createKey, createUser, finishSetup, login, startSecurityGateway, type ConsoleSession, type SecurityGateway } from './support';

const chat = { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] };

describe.each(await storageBackends())('CSRF and sign-in throttling on %s', (backend) => {
  let gw: SecurityGateway;
  let owner: ConsoleSession;
  const auditCount = async () => Number((await gw.db('audit_log').count<{ n: number }[]>({ n: '*' }))[0].n);
  const sessionCount = async () => Number((await gw.db('sessions').count<{ n: number }[]>({ n: '*' }))[0].n);

  beforeAll(async () => {
    gw = await startSecurityGateway({
      backend,
      identity: { throttle: { accountFreeFailures: 3, ipFreeFailures: 5, baseDelayMs: 60_000, maxDelayMs: 3_600_000, forgetAfterMs: 3_600_000 } },
    });
    owner = await finishSetup(gw, 'owner@example.com', 'owner-password-123');
  });
  afterAll(() => gw?.stop());

  describe('CSRF', () => {
    it('refuses a cookie-authenticated change without the token, and changes nothing', async () => {
      const before = await auditCount();
      const attempts: Array<Record<string, string>> = [{ cookie: owner.cookie }, { cookie: owner.cookie, 'x-csrf-token': 'wrong' }, { cookie: owner.cookie, 'x-csrf-token': '' }];
      for (const headers of attempts) {
        const r = await gw.call('POST', '/api/providers', { headers, body: { id: 'csrf-victim', plugin: 'mock', settings: {} } });
        expect(r.status).toBe(403);
        expect(r.body).toEqual({ error: { message: expect.stringContaining('x-csrf-token'), type: 'permission_error', param: null, code: 'csrf_token_invalid' } });
      }
      expect((await gw.call('GET', '/api/providers/csrf-victim', { headers: adminKeyHeaders })).status).toBe(404);
      expect(await auditCount()).toBe(before);
      expect((await gw.call('POST', '/api/providers', { headers: owner.headers, body: { id: 'csrf-victim', plugin: 'mock', settings: {} } })).status).toBe(201);
    });

    it('does not want a token to read', async () => {
      expect((await gw.call('GET', '/api/providers', { headers: { cookie: owner.cookie } })).status).toBe(200);
    });

    it('protects /v1 calls made with the cookie (the playground) too', async () => {
      expect((await gw.call('POST', '/v1/chat/completions', { headers: { cookie: owner.cookie }, body: chat })).body.error.code).toBe('csrf_token_invalid');
      expect((await gw.call('POST', '/v1/chat/completions', { headers: owner.headers, body: chat })).status).toBe(200);
    });

    it('needs no token with a bearer key, and a bad key never falls back to the cookie', async () => {
      const key = await createKey(gw, { name: 'k', userId: owner.userId, scopes: ['admin'] });
      expect((await gw.call('POST', '/api/providers', { headers: { authorization: `Bearer ${key.key}` }, body: { id: 'by-key', plugin: 'mock', settings: {} } })).status).toBe(201);
      const r = await gw.call('GET', '/api/providers', { headers: { cookie: owner.cookie, authorization: 'Bearer sy-not-a-valid-key-at-all' } });
      expect(r.status).toBe(401);
    });

    it('will not sign out without the token, so other sites cannot either', async () => {
      const s = await login(gw, 'owner@example.com', 'owner-password-123');
      expect((await gw.call('POST', '/api/auth/logout', { headers: { cookie: s.cookie } })).body.error.code).toBe('csrf_token_invalid');
      expect((await gw.call('GET', '/api/auth/me', { headers: s.headers })).status).toBe(200);
      const out = await gw.call('POST', '/api/auth/logout', { headers: s.headers });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/sy_session=; .*Max-Age=0/);
      expect((await gw.call('GET', '/api/auth/me', { headers: s.headers })).body.error.code).toBe('session_expired');
    });

    it('gives the console its token again after a reload (GET /api/auth/me)', async () => {
      const me = await gw.call('GET', '/api/auth/me', { headers: { cookie: owner.cookie } });
      expect(me.body.csrfToken).toBe(owner.csrf);
      expect(me.body.user).toMatchObject({ email: 'owner@example.com', role: 'owner' });
    });
  });

  describe('sign-in throttling', () => {
    it('backs off per account after the free failures, even for the right password', async () => {
      await createUser(gw, 'member', 'target@example.com', 'target-password-1');
      const ip = { 'x-forwarded-for': '203.0.113.10' };
      for (let i = 0; i < 3; i++) {
        expect((await gw.call('POST', '/api/auth/login', { headers: ip, body: { email: 'target@example.com', password: `guess-${i}-password` } })).status).toBe(401);
      }
      const sessionsBefore = await sessionCount();
      const auditBefore = await auditCount();
      const blocked = await gw.call('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '203.0.113.11' }, body: { email: 'TARGET@example.com', password: 'target-password-1' } });
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({ error: { message: expect.any(String), type: 'rate_limit_error', param: null, code: 'login_throttled' } });
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(blocked.headers.get('set-cookie')).toBeNull();
      expect(await sessionCount()).toBe(sessionsBefore);
      expect(await auditCount()).toBe(auditBefore);
      // Another account from the same address is not affected.
      expect((await gw.call('POST', '/api/auth/login', { headers: ip, body: { email: 'owner@example.com', password: 'owner-password-123' } })).status).toBe(200);
    });

    it('backs off per client address across accounts', async () => {
      const ip = { 'x-forwarded-for': '198.51.100.7' };
      for (let i = 0; i < 5; i++) {
        expect((await gw.call('POST', '/api/auth/login', { headers: ip, body: { email: `spray${i}@example.com`, password: 'Spring2024-password' } })).status).toBe(401);
      }
      expect((await gw.call('POST', '/api/auth/login', { headers: ip, body: { email: 'owner@example.com', password: 'owner-password-123' } })).status).toBe(429);
      expect((await gw.call('POST', '/api/auth/login', { headers: { 'x-forwarded-for': '198.51.100.8' }, body: { email: 'owner@example.com', password: 'owner-password-123' } })).status).toBe(200);
    });

    it('records each failure that was let through in the audit log', async () => {
      const { body } = await gw.call('GET', '/api/audit?action=auth.login.failure&limit=100', { headers: adminKeyHeaders });
      expect(body.data.filter((e: { ip: string }) => e.ip === '203.0.113.10')).toHaveLength(3);
      expect(body.data.filter((e: { ip: string }) => e.ip === '198.51.100.7')).toHaveLength(5);
      expect(body.data[0]).toMatchObject({ outcome: 'failure', actor: { type: 'anonymous' } });
    });
  });
});
