import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKeyHeaders, finishSetup, login, startSecurityGateway, type ConsoleSession, type SecurityGateway } from './support';

const ALLOWED = 'https://console.example.com';
const chat = { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] };

describe('security headers and CORS', () => {
  let gw: SecurityGateway;
  let owner: ConsoleSession;

  beforeAll(async () => {
    gw = await startSecurityGateway({ backend: 'sqlite', identity: { corsOrigins: [ALLOWED] } });
    owner = await finishSetup(gw, 'owner@example.com', 'owner-password-123');
  });
  afterAll(() => gw?.stop());

  const sameOrigin = () => `http://${new URL(gw.url).host}`;

  describe('headers', () => {
    it('gives the console the full set', async () => {
      const r = await gw.call('GET', '/', { headers: { accept: 'text/html' } });
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(r.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect(r.headers.get('x-powered-by')).toBeNull();
    });

    it('locks /api answers down and keeps them out of caches', async () => {
      const r = await gw.call('GET', '/api/providers', { headers: adminKeyHeaders });
      expect(r.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      // Errors too.
      const e = await gw.call('GET', '/api/providers');
      expect(e.status).toBe(401);
      expect(e.headers.get('cache-control')).toBe('no-store');
    });

    it('leaves /v1 JSON and streams alone apart from nosniff', async () => {
      const r = await gw.call('POST', '/v1/chat/completions', { headers: adminKeyHeaders, body: chat });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      for (const h of ['content-security-policy', 'x-frame-options', 'cross-origin-resource-policy', 'cross-origin-opener-policy']) expect(r.headers.get(h)).toBeNull();
      const s = await gw.call('POST', '/v1/chat/completions', { headers: adminKeyHeaders, body: { ...chat, stream: true } });
      expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(s.text).toContain('data: [DONE]');
      expect(s.headers.get('content-security-policy')).toBeNull();
    });

    it('marks the session cookie Secure when the request came over TLS through a trusted proxy', async () => {
      const plain = await gw.call('POST', '/api/auth/login', { body: { email: 'owner@example.com', password: 'owner-password-123' } });
      expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);
      const tls = await gw.call('POST', '/api/auth/login', { headers: { 'x-forwarded-proto': 'https' }, body: { email: 'owner@example.com', password: 'owner-password-123' } });
      expect(tls.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    });
  });

  describe('CORS on /api', () => {
    it('refuses other origins outright, reads and writes alike', async () => {
      const evil = { origin: 'https://evil.example' };
      const read = await gw.call('GET', '/api/providers', { headers: { ...evil, ...owner.headers } });
      expect(read.status).toBe(403);
      expect(read.body.error.code).toBe('origin_not_allowed');
      expect(read.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await gw.call('OPTIONS', '/api/providers', { headers: { ...evil, 'access-control-request-method': 'POST' } });
      expect(preflight.status).toBe(403);
      // Sign-in from another site is refused too (login CSRF).
      const signIn = await gw.call('POST', '/api/auth/login', { headers: evil, body: { email: 'owner@example.com', password: 'owner-password-123' } });
      expect(signIn.status).toBe(403);
      expect(signIn.headers.get('set-cookie')).toBeNull();
    });

    it('lets the console on its own origin through without CORS headers', async () => {
      const r = await gw.call('GET', '/api/providers', { headers: { origin: sameOrigin(), ...owner.headers } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect((await login(gw, 'owner@example.com', 'owner-password-123', { origin: sameOrigin() })).csrf).toBeTruthy();
    });

    it('allows configured origins with credentials', async () => {
      const preflight = await gw.call('OPTIONS', '/api/providers', { headers: { origin: ALLOWED, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-csrf-token' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('x-csrf-token');
      const r = await gw.call('GET', '/api/providers', { headers: { origin: ALLOWED, ...owner.headers } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(r.headers.get('vary')).toContain('Origin');
    });
  });

  describe('CORS on /v1', () => {
    it('allows any origin, never with credentials', async () => {
      const preflight = await gw.call('OPTIONS', '/v1/chat/completions', { headers: { origin: 'https://some-app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
      const r = await gw.call('POST', '/v1/chat/completions', { headers: { origin: 'https://some-app.example', ...adminKeyHeaders }, body: chat });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('can be switched off', async () => {
      const off = await startSecurityGateway({ backend: 'sqlite', identity: { v1CorsAnyOrigin: false } });
      try {
        const r = await off.call('POST', '/v1/chat/completions', { headers: { origin: 'https://some-app.example', ...adminKeyHeaders }, body: chat });
        expect(r.status).toBe(200);
        expect(r.headers.get('access-control-allow-origin')).toBeNull();
      } finally {
        await off.stop();
      }
    });
  });
});
