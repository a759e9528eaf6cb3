import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { adminKeyHeaders, createKey, finishSetup, startSecurityGateway, type ConsoleSession, type SecurityGateway } from './support';

/** Bad credentials and bad input get a clear OpenAI-shaped error and change nothing else. */
describe.each(await storageBackends())('bad input on %s', (backend) => {
  let gw: SecurityGateway;
  let owner: ConsoleSession;

  const snapshot = async () => ({
    sessions: (await gw.db('sessions').select('id')).map((r: { id: string }) => r.id).sort(),
    audit: Number((await gw.db('audit_log').count<{ n: number }[]>({ n: '*' }))[0].n),
    users: Number((await gw.db('users').count<{ n: number }[]>({ n: '*' }))[0].n),
    keys: (await gw.db('api_keys').select('id', 'last_used_at', 'revoked_at')).map((r: Record<string, unknown>) => JSON.stringify(r)).sort(),
  });
  const openAiError = { error: { message: expect.any(String), type: expect.any(String), param: expect.toSatisfy((v) => v === null || typeof v === 'string'), code: expect.any(String) } };

  beforeAll(async () => {
    gw = await startSecurityGateway({ backend });
    owner = await finishSetup(gw, 'owner@example.com', 'owner-password-123');
  });
  afterAll(() => gw?.stop());

  it('a wrong password: 401, no session, one audit entry (the failure)', async () => {
    const before = await snapshot();
    const r = await gw.call('POST', '/api/auth/login', { body: { email: 'owner@example.com', password: 'not-the-password' } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { message: 'Incorrect email or password.', type: 'authentication_error', param: null, code: 'invalid_credentials' } });
    expect(r.headers.get('set-cookie')).toBeNull();
    const after = await snapshot();
    expect(after).toEqual({ ...before, audit: before.audit + 1 });
    const [entry] = (await gw.call('GET', '/api/audit?limit=1', { headers: adminKeyHeaders })).body.data;
    expect(entry).toMatchObject({ action: 'auth.login.failure', outcome: 'failure', details: { reason: 'wrong_password' } });
  });

  it('an unknown user gets the very same answer as a wrong password', async () => {
    const before = await snapshot();
    const r = await gw.call('POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: 'not-the-password' } });
    expect(r.status).toBe(401);
    expect(r.body.error).toEqual({ message: 'Incorrect email or password.', type: 'authentication_error', param: null, code: 'invalid_credentials' });
    expect(await snapshot()).toEqual({ ...before, audit: before.audit + 1 });
  });

  it('malformed bodies and fields: 400 naming the problem, nothing recorded', async () => {
    const before = await snapshot();
    const cases: Array<[unknown, string | undefined, string]> = [
      [{ email: 'owner@example.com' }, 'password', 'missing_required_parameter'],
      [{ email: 42, password: 'x' }, 'email', 'invalid_type'],
      [{ email: 'owner@example.com', password: 'x', extra: 1 }, undefined, 'invalid_value'],
      [[], undefined, 'invalid_body'],
    ];
    for (const [body, param, code] of cases) {
      const r = await gw.call('POST', '/api/auth/login', { body });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(openAiError);
      expect(r.body.error.code).toBe(code);
      if (param) expect(r.body.error.param).toBe(param);
    }
    const broken = await gw.call('POST', '/api/auth/login', { raw: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    expect(await snapshot()).toEqual(before);
  });

  it('what once broke the server (found by test/fuzz): 400 before anything runs, nothing recorded', async () => {
    const before = await snapshot();
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const chat = (extra: string) => `{"model":"mock-chat","messages":[{"role":"user","content":"hi"}]${extra}}`;
    const cases: Array<[string, string, string, string]> = [
      // 10 000 levels: JSON.parse copes, JSON.stringify and structuredClone overflow the stack.
      ['/v1/chat/completions', chat(`,"tools":[{"type":"function","function":{"name":"f","parameters":{"a":${deep(10_000)}}}}]`), 'nesting_too_deep', 'invalid_request_error'],
      ['/api/billing/settings', `{"rules":${deep(10_000)}}`, 'invalid_settings', 'invalid_request_error'],
      // An "integer" of 1e300 dimensions made the mock provider allocate it and killed the process.
      ['/v1/embeddings', '{"model":"mock-embed","input":"x","dimensions":1e300}', 'invalid_value', 'invalid_request_error'],
    ];
    for (const [path, raw, code, type] of cases) {
      const r = await gw.call(path.startsWith('/api/billing') ? 'PATCH' : 'POST', path, { raw, headers: { ...adminKeyHeaders, 'content-type': 'application/json' } });
      expect(r.status, path).toBe(400);
      expect(r.body).toEqual(openAiError);
      expect(r.body.error).toMatchObject({ code, type });
    }
    const messages = await gw.call('POST', '/v1/messages', { raw: `{"model":"mock-chat","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"metadata":{"a":${deep(10_000)}}}`, headers: { ...adminKeyHeaders, 'content-type': 'application/json' } });
    expect(messages.status).toBe(400);
    expect(messages.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('64 levels') } });
    expect(await snapshot()).toEqual(before);
  });

  it('malformed, unknown and foreign tokens: 401, nothing recorded', async () => {
    const before = await snapshot();
    const expectations: Array<[Record<string, string>, string]> = [
      [{ authorization: 'Bearer sy-' }, 'invalid_api_key'],
      [{ authorization: 'Bearer sy-definitely/not base64' }, 'invalid_api_key'],
      [{ authorization: `Bearer sy-${'A'.repeat(43)}` }, 'invalid_api_key'],
      [{ authorization: 'Bearer sk-some-openai-key-0123456789' }, 'invalid_api_key'],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, 'missing_api_key'],
      [{ cookie: 'sy_session=garbage' }, 'session_expired'],
      [{ cookie: `sy_session=${'A'.repeat(43)}` }, 'session_expired'],
    ];
    for (const [headers, code] of expectations) {
      for (const path of ['/api/providers', '/v1/models']) {
        const r = await gw.call('GET', path, { headers });
        expect(r.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(r.body).toEqual(openAiError);
        expect(r.body.error.code).toBe(code);
        expect(r.text).not.toContain('some-openai-key');
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('an expired key: 401 api_key_expired everywhere, and its last use is not touched', async () => {
    const key = await createKey(gw, { name: 'old', userId: owner.userId, scopes: ['chat', 'models', 'admin'], expiresInDays: 1 });
    await gw.db('api_keys').where({ id: key.id }).update({ expires_at: Date.now() - 1000 });
    const before = await snapshot();
    for (const [method, path] of [['GET', '/v1/models'], ['POST', '/v1/chat/completions'], ['GET', '/api/keys']]) {
      const r = await gw.call(method, path, { headers: { authorization: `Bearer ${key.key}` }, body: method === 'POST' ? { model: 'mock-chat', messages: [] } : undefined });
      expect(r.status).toBe(401);
      expect(r.body.error).toEqual({ message: 'This API key has expired.', type: 'authentication_error', param: null, code: 'api_key_expired' });
    }
    await gw.identity.apiKeys.flushLastUsed();
    expect(await snapshot()).toEqual(before);
  });

  it('a key that cannot expire in the past, and other bad key requests, are refused before anything is stored', async () => {
    const before = await snapshot();
    const bodies = [
      { name: 'x', expiresAt: Date.now() - 1 },
      { name: 'x', expiresAt: 'yesterday-ish' },
      { name: 'x', scopes: ['everything'] },
      { name: 'x', rpm: 0 },
      { name: 'x', userId: 'user_missing' },
      { name: '' },
    ];
    for (const body of bodies) {
      const r = await gw.call('POST', '/api/keys', { headers: owner.headers, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toEqual(openAiError);
    }
    expect(await snapshot()).toEqual(before);
  });
});
