import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { adminKeyHeaders, finishSetup, startSecurityGateway, type ConsoleSession, type SecurityGateway } from '../security/support';
import { authorizeUrl, pkce, postForm, REDIRECT, redirectParams } from './support';

/** The OAuth 2.0 authorization server over real HTTP: code + PKCE, client credentials, refresh rotation, revocation, introspection. */
describe.each(await storageBackends())('OAuth 2.0 authorization server (%s)', (backend) => {
  let gw: SecurityGateway;
  let owner: ConsoleSession;
  let app: { id: string; secret: string };
  let spaId: string;
  const secrets: string[] = [];
  const openai = (token: string) => new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const chat = (token: string) => openai(token).chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] });

  /** Signs the owner in through /oauth/authorize and returns the code. */
  async function authorizeCode(clientId: string, challenge: string, extra: Record<string, string> = {}): Promise<string> {
    const res = await gw.call('GET', authorizeUrl({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', ...extra }), { headers: { cookie: owner.cookie } });
    expect(res.status).toBe(302);
    const params = redirectParams(res.headers.get('location'));
    expect(params.get('state')).toBe('st-1');
    expect(params.get('iss')).toBe(gw.url);
    secrets.push(params.get('code')!);
    return params.get('code')!;
  }

  async function codeFlow() {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(app.id, challenge);
    const res = await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, app);
    expect(res.status).toBe(200);
    secrets.push(res.body.access_token, res.body.refresh_token);
    return res.body as { access_token: string; refresh_token: string; scope: string; expires_in: number; token_type: string };
  }

  beforeAll(async () => {
    gw = await startSecurityGateway({ backend });
    owner = await finishSetup(gw, 'owner@example.com', 'owner-password-123');
    const created = await gw.call('POST', '/api/oauth/clients', { headers: adminKeyHeaders, body: { name: 'First-party app', type: 'confidential', redirectUris: [REDIRECT], firstParty: true } });
    expect(created.status).toBe(201);
    app = { id: created.body.id, secret: created.body.clientSecret };
    secrets.push(app.secret);
    const spa = await gw.call('POST', '/api/oauth/clients', { headers: owner.headers, body: { name: 'Third-party SPA', type: 'public', redirectUris: [REDIRECT], scopes: ['chat', 'models'] } });
    expect(spa.status).toBe(201);
    expect(spa.body.clientSecret).toBeUndefined();
    spaId = spa.body.id;
  });
  afterAll(() => gw?.stop());

  it('publishes RFC 8414 metadata', async () => {
    const res = await gw.call('GET', '/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ issuer: gw.url, token_endpoint: `${gw.url}/oauth/token`, code_challenge_methods_supported: ['S256'], grant_types_supported: expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']) });
  });

  it('shows the client secret once and stores only its hash', async () => {
    expect(app.secret).toMatch(/^sycs_/);
    const listed = await gw.call('GET', '/api/oauth/clients', { headers: adminKeyHeaders });
    expect(listed.text).not.toContain(app.secret);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining([app.id, spaId]));
    const row = await gw.db('oauth_clients').where({ id: app.id }).first();
    expect(JSON.stringify(row)).not.toContain(app.secret);
    expect(await gw.db('audit_log').where({ action: 'oauth.client.create' })).toHaveLength(2);
  });

  it('refuses bad client registrations', async () => {
    for (const body of [{ name: 'x', type: 'public', redirectUris: ['http://evil.example/cb'] }, { name: 'x', type: 'weird', redirectUris: [REDIRECT] }, { name: 'x', redirectUris: [REDIRECT], scopes: ['admin'] }, { name: '' }]) {
      const res = await gw.call('POST', '/api/oauth/clients', { headers: adminKeyHeaders, body });
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('invalid_request_error');
    }
  });

  it('runs the authorization code flow with PKCE and the token works on /v1 with the official client', async () => {
    const tokens = await codeFlow();
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'chat embeddings images models' });
    expect(tokens.access_token).toMatch(/^syat_/);
    const answer = await chat(tokens.access_token);
    expect(answer.object).toBe('chat.completion');
  });

  it('refuses unknown clients and unregistered redirect URIs without redirecting', async () => {
    const { challenge } = pkce();
    const unknown = await gw.call('GET', authorizeUrl({ response_type: 'code', client_id: 'syc_nope', redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256' }), { headers: { cookie: owner.cookie } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ error: 'invalid_request', error_description: 'unknown client_id' });
    const wrong = await gw.call('GET', authorizeUrl({ response_type: 'code', client_id: app.id, redirect_uri: 'http://127.0.0.1:9/callback/other', code_challenge: challenge, code_challenge_method: 'S256' }), { headers: { cookie: owner.cookie } });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('location')).toBeNull();
    expect(wrong.body.error).toBe('invalid_request');
  });

  it('requires S256 PKCE and sends errors back to a registered redirect URI', async () => {
    const { verifier } = pkce();
    const plain = await gw.call('GET', authorizeUrl({ response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: verifier, code_challenge_method: 'plain', state: 's' }), { headers: { cookie: owner.cookie } });
    expect(plain.status).toBe(302);
    expect(plain.headers.get('location')!.startsWith(REDIRECT)).toBe(true);
    expect(redirectParams(plain.headers.get('location')).get('error')).toBe('invalid_request');
    expect(redirectParams(plain.headers.get('location')).get('code')).toBeNull();
    const none = await gw.call('GET', authorizeUrl({ response_type: 'code', client_id: app.id, redirect_uri: REDIRECT }), { headers: { cookie: owner.cookie } });
    expect(redirectParams(none.headers.get('location')).get('error')).toBe('invalid_request');
    const badScope = await gw.call('GET', authorizeUrl({ response_type: 'code', client_id: spaId, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256', scope: 'chat images' }), { headers: { cookie: owner.cookie } });
    expect(redirectParams(badScope.headers.get('location')).get('error')).toBe('invalid_scope');
  });

  it('sends a visitor without a console session to sign in first', async () => {
    const res = await gw.call('GET', authorizeUrl({ response_type: 'code', client_id: app.id, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256' }));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^\/login\?next=%2Foauth%2Fauthorize/);
  });

  it('refuses a wrong code_verifier without spending the code, and a replayed code revokes what it issued', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(app.id, challenge);
    const bad = await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce().verifier }, app);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code challenge' });
    const wrongRedirect = await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT}x`, code_verifier: verifier }, app);
    expect(wrongRedirect.body.error).toBe('invalid_grant');
    const good = await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, app);
    expect(good.status).toBe(200);
    secrets.push(good.body.access_token, good.body.refresh_token);
    const replay = await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, app);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    await expect(chat(good.body.access_token)).rejects.toMatchObject({ status: 401 });
  });

  it('authenticates clients: a wrong secret or an unknown client is invalid_client', async () => {
    const wrong = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials' }, { id: app.id, secret: 'sycs_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    const unknown = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials', client_id: 'syc_nope', client_secret: 'x' });
    expect(unknown.body.error).toBe('invalid_client');
    const grant = await postForm(gw, '/oauth/token', { grant_type: 'password' }, app);
    expect(grant.body.error).toBe('unsupported_grant_type');
  });

  it('issues client_credentials tokens to confidential clients only, within their scopes', async () => {
    const res = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials', scope: 'chat', client_id: app.id, client_secret: app.secret });
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    expect(res.body.scope).toBe('chat');
    secrets.push(res.body.access_token);
    expect((await chat(res.body.access_token)).object).toBe('chat.completion');
    // chat only: the embeddings endpoint is out of scope
    await expect(openai(res.body.access_token).embeddings.create({ model: 'mock-embed', input: 'x' })).rejects.toMatchObject({ status: 403 });
    const pub = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials', client_id: spaId });
    expect(pub.body.error).toBe('unauthorized_client');
    const scope = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials', scope: 'chat admin' }, app);
    expect(scope.body.error).toBe('invalid_scope');
  });

  it('rotates refresh tokens, and reusing a rotated one revokes the whole family', async () => {
    const first = await codeFlow();
    const second = await postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token }, app);
    expect(second.status).toBe(200);
    secrets.push(second.body.access_token, second.body.refresh_token);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await chat(second.body.access_token)).object).toBe('chat.completion');
    await expect(chat(first.access_token)).resolves.toBeTruthy(); // rotation alone does not end the old access token

    const reuse = await postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token }, app);
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    for (const t of [first.access_token, second.body.access_token]) await expect(chat(t)).rejects.toMatchObject({ status: 401 });
    const after = await postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: second.body.refresh_token }, app);
    expect(after.body.error).toBe('invalid_grant');
    const audit = await gw.db('audit_log').where({ action: 'oauth.token.family_revoke' });
    expect(audit.length).toBeGreaterThanOrEqual(2); // the code replay above and this reuse
  });

  it('lets exactly one of two simultaneous refreshes win, and the loser revokes the family', async () => {
    const first = await codeFlow();
    const [a, b] = await Promise.all([0, 1].map(() => postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: first.refresh_token }, app)));
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const winner = a.status === 200 ? a : b;
    secrets.push(winner.body.access_token, winner.body.refresh_token);
    await expect(chat(winner.body.access_token)).rejects.toMatchObject({ status: 401 });
  });

  it('revokes tokens (RFC 7009) and introspects them for their own client (RFC 7662)', async () => {
    const tokens = await codeFlow();
    const live = await postForm(gw, '/oauth/introspect', { token: tokens.access_token }, app);
    expect(live.body).toMatchObject({ active: true, client_id: app.id, scope: tokens.scope, sub: owner.userId, token_type: 'Bearer' });
    expect(live.text).not.toContain(tokens.access_token);
    const publicClient = await postForm(gw, '/oauth/introspect', { token: tokens.access_token, client_id: spaId });
    expect(publicClient.status).toBe(401);

    // Another client cannot revoke it, and learns nothing about it.
    const other = await gw.call('POST', '/api/oauth/clients', { headers: adminKeyHeaders, body: { name: 'Other', redirectUris: [REDIRECT] } });
    const otherClient = { id: other.body.id, secret: other.body.clientSecret };
    secrets.push(otherClient.secret);
    expect((await postForm(gw, '/oauth/introspect', { token: tokens.access_token }, otherClient)).body).toEqual({ active: false });
    expect((await postForm(gw, '/oauth/revoke', { token: tokens.access_token }, otherClient)).status).toBe(200);
    expect((await chat(tokens.access_token)).object).toBe('chat.completion');

    const revoked = await postForm(gw, '/oauth/revoke', { token: tokens.access_token }, app);
    expect(revoked.status).toBe(200);
    expect((await postForm(gw, '/oauth/introspect', { token: tokens.access_token }, app)).body).toEqual({ active: false });
    const err = await chat(tokens.access_token).catch((e: unknown) => e as { status: number; error: { code: string; type: string } });
    expect(err).toMatchObject({ status: 401, error: { code: 'invalid_access_token', type: 'authentication_error' } });
    // Revoking the refresh token ends its family.
    await postForm(gw, '/oauth/revoke', { token: tokens.refresh_token, token_type_hint: 'refresh_token' }, app);
    expect((await postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, app)).body.error).toBe('invalid_grant');
    expect((await postForm(gw, '/oauth/revoke', { token: 'syat_unknown' }, app)).status).toBe(200);
  });

  it('answers a malformed or unknown bearer token on /v1 with the OpenAI-shaped 401', async () => {
    for (const token of ['syat_', 'syat_not-a-real-token', 'syat_' + 'x'.repeat(300)]) {
      const res = await gw.call('POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${token}` }, body: { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] } });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_access_token' });
    }
  });

  it('asks for consent for third-party clients; a public client exchanges its code with PKCE alone', async () => {
    const { verifier, challenge } = pkce();
    const params = { response_type: 'code', client_id: spaId, redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: 'S256', state: 'z', scope: 'chat' };
    const page = await gw.call('GET', authorizeUrl(params), { headers: { cookie: owner.cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(page.text).toContain('Third-party SPA');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self' http://127.0.0.1:9");
    expect(page.headers.get('x-frame-options')).toBeTruthy();
    const noCsrf = await postForm(gw, '/oauth/authorize', { ...params, decision: 'approve' }, undefined, owner.cookie);
    expect(noCsrf.status).toBe(403);
    const denied = await postForm(gw, '/oauth/authorize', { ...params, decision: 'deny', csrf_token: owner.csrf }, undefined, owner.cookie);
    expect(redirectParams(denied.headers.get('location')).get('error')).toBe('access_denied');
    const approved = await postForm(gw, '/oauth/authorize', { ...params, decision: 'approve', csrf_token: owner.csrf }, undefined, owner.cookie);
    const code = redirectParams(approved.headers.get('location')).get('code')!;
    secrets.push(code);
    const tokens = await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: spaId });
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('chat');
    secrets.push(tokens.body.access_token, tokens.body.refresh_token);
    expect((await chat(tokens.body.access_token)).object).toBe('chat.completion');
  });

  it('deleting a client ends its tokens at once, and is audited', async () => {
    const c = await gw.call('POST', '/api/oauth/clients', { headers: adminKeyHeaders, body: { name: 'Short-lived', redirectUris: [REDIRECT] } });
    secrets.push(c.body.clientSecret);
    const t = await postForm(gw, '/oauth/token', { grant_type: 'client_credentials' }, { id: c.body.id, secret: c.body.clientSecret });
    secrets.push(t.body.access_token);
    expect((await gw.call('DELETE', `/api/oauth/clients/${c.body.id}`, { headers: adminKeyHeaders })).status).toBe(200);
    await expect(chat(t.body.access_token)).rejects.toMatchObject({ status: 401 });
    expect(await gw.db('audit_log').where({ action: 'oauth.client.delete' })).toHaveLength(1);
  });

  it('never puts a secret, code or token in logs or in later responses', () => {
    expect(secrets.length).toBeGreaterThan(10);
    const logs = gw.logs.join('\n');
    const audit = JSON.stringify(gw.responses.filter((r) => !r.path.startsWith('/oauth/token') && !r.path.startsWith('/oauth/authorize') && !(r.method === 'POST' && r.path === '/api/oauth/clients')));
    for (const s of secrets) {
      expect(logs).not.toContain(s);
      expect(audit).not.toContain(s);
    }
  });
});
