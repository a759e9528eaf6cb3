import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { adminKeyHeaders, sessionFrom, startSecurityGateway, type SecurityGateway } from './support';

describe.each(await storageBackends())('first run on %s', (backend) => {
  let gw: SecurityGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
  });
  const owners = async (g: SecurityGateway) => (await g.db('users').where({ role: 'owner' })).length;

  it('offers a single-use setup link that creates the owner and signs them in', async () => {
    gw = await startSecurityGateway({ backend });
    expect(gw.setup?.url).toBe(`${gw.url}/setup?token=${gw.setup?.token}`);
    expect(gw.setup!.expiresAt).toBeGreaterThan(Date.now());
    expect((await gw.call('GET', '/api/setup')).body).toEqual({ required: true });
    // The token is the only way in: nothing else works before setup.
    expect((await gw.call('POST', '/api/auth/login', { body: { email: 'owner@example.com', password: 'owner-password-123' } })).status).toBe(401);

    const bad = await gw.call('POST', '/api/setup', { body: { token: randomBytes(32).toString('base64url'), email: 'owner@example.com', password: 'owner-password-123' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toEqual({ message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_setup_token' });
    expect((await gw.call('POST', '/api/setup', { body: { token: 'malformed', email: 'owner@example.com', password: 'owner-password-123' } })).status).toBe(401);
    const weak = await gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email: 'owner@example.com', password: 'short' } });
    expect(weak.body.error).toMatchObject({ code: 'weak_password', param: 'password' });
    expect(await owners(gw)).toBe(0);

    const done = await gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email: 'Owner@Example.com', password: 'owner-password-123', name: 'Olivia' } });
    expect(done.status).toBe(201);
    expect(done.body.user).toMatchObject({ email: 'owner@example.com', name: 'Olivia', role: 'owner' });
    const session = sessionFrom(done);
    expect((await gw.call('GET', '/api/auth/me', { headers: session.headers })).body.user.role).toBe('owner');

    const again = await gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email: 'second@example.com', password: 'owner-password-123' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_set_up');
    expect((await gw.call('GET', '/api/setup')).body).toEqual({ required: false });
    expect(await gw.identity.setup.issueToken()).toBeUndefined();
    expect(await gw.db('setup_tokens').select()).toEqual([]);
    expect(await owners(gw)).toBe(1);
    const audit = (await gw.call('GET', '/api/audit', { headers: adminKeyHeaders })).body.data.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['setup.complete', 'auth.login']));
  });

  it('refuses an expired link', async () => {
    gw = await startSecurityGateway({ backend });
    await gw.db('setup_tokens').update({ expires_at: Date.now() - 1 });
    expect((await gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email: 'owner@example.com', password: 'owner-password-123' } })).status).toBe(401);
    expect(await owners(gw)).toBe(0);
  });

  it('lets automation finish setup with the admin key, and no other key', async () => {
    gw = await startSecurityGateway({ backend });
    const other = await gw.call('POST', '/api/setup', { headers: { authorization: 'Bearer sy-admin-wrong-key' }, body: { email: 'owner@example.com', password: 'owner-password-123' } });
    expect(other.status).toBe(401);
    const r = await gw.call('POST', '/api/setup', { headers: adminKeyHeaders, body: { email: 'owner@example.com', password: 'owner-password-123' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('set-cookie')).toBeNull();
    const [entry] = (await gw.call('GET', '/api/audit?action=setup.complete', { headers: adminKeyHeaders })).body.data;
    expect(entry).toMatchObject({ actor: { type: 'admin_key' }, details: { via: 'admin_key' } });
  });

  it('creates exactly one owner when two setups race', async () => {
    gw = await startSecurityGateway({ backend });
    const second = (await gw.identity.setup.issueToken())!.token;
    const replies = await Promise.all([
      gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email: 'a@example.com', password: 'owner-password-123' } }),
      gw.call('POST', '/api/setup', { body: { token: second, email: 'b@example.com', password: 'owner-password-123' } }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await owners(gw)).toBe(1);
  });
});
