import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { adminKeyHeaders, sessionFrom, startSecurityGateway, TEST_ADMIN_KEY, TEST_MASTER_KEY, type Captured, type SecurityGateway } from './support';

/*
 * Drives a realistic session (first run, failed and good sign-ins, a provider credential, users,
 * keys used on /v1 and revoked, password changes, audit export, bad input) and then searches
 * everything the outside world could see for every secret involved: each API response (bodies and
 * headers), each log line, each audit entry, and the identity tables at rest.
 */
describe.each(await storageBackends())('no secret leaks on %s', (backend) => {
  let gw: SecurityGateway;
  const secrets = new Map<string, string>(); // value -> what it is
  /** Responses allowed to show one particular secret (the key creation answer shows its key once). */
  const allowed = new Map<Captured, string[]>();
  const secret = (what: string, value: string) => {
    secrets.set(value, what);
    return value;
  };
  const last = () => gw.responses[gw.responses.length - 1];

  beforeAll(async () => {
    gw = await startSecurityGateway({ backend });
    secret('admin key', TEST_ADMIN_KEY);
    secret('master key', TEST_MASTER_KEY);
    secret('master key (hex)', Buffer.from(TEST_MASTER_KEY, 'base64').toString('hex'));
    secret('setup token', gw.setup!.token);

    // First run: a wrong token, then the right one.
    await gw.call('POST', '/api/setup', { body: { token: randomBytes(32).toString('base64url'), email: 'owner@example.com', password: 'long-enough-password' } });
    const ownerPassword = secret('owner password', 'Owner-Pa55word-very-secret');
    const setupReply = await gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email: 'owner@example.com', password: ownerPassword } });
    const owner = sessionFrom(setupReply);
    secret('owner session', owner.token);
    // The setup link is single use.
    await gw.call('POST', '/api/setup', { body: { token: gw.setup!.token, email: 'x@example.com', password: 'another-long-password' } });

    // Failed sign-ins, including a password typed into the email field.
    const typo = secret('password typed as email', 'Mistyped-Pa55word-in-email');
    await gw.call('POST', '/api/auth/login', { body: { email: typo, password: 'irrelevant-here' } });
    await gw.call('POST', '/api/auth/login', { body: { email: 'owner@example.com', password: secret('wrong password', 'Wrong-Pa55word-guess') } });
    await gw.call('POST', '/api/auth/login', { body: { email: 'nobody@example.com', password: secret('unknown user password', 'Nobody-Pa55word-guess') } });

    // A provider with a credential, then a rotated secret.
    const providerSecret = secret('provider key', 'sk-providerSECRET0123456789abcdefghij');
    const providerSecret2 = secret('rotated provider key', 'sk-rotatedSECRET9876543210zyxwvutsrq');
    await gw.call('POST', '/api/providers', { headers: owner.headers, body: { id: 'upstream', plugin: 'mock', settings: {} } });
    const cred = await gw.call('POST', '/api/providers/upstream/credentials', { headers: owner.headers, body: { name: 'main', secret: { apiKey: providerSecret } } });
    await gw.call('PATCH', `/api/credentials/${cred.body.id}`, { headers: owner.headers, body: { secret: { apiKey: providerSecret2 } } });
    await gw.call('GET', '/api/providers/upstream/credentials', { headers: owner.headers });
    await gw.call('GET', '/api/providers', { headers: owner.headers });
    await gw.call('POST', '/api/providers/upstream/test', { headers: owner.headers, body: {} });

    // A member who signs in, makes a key, uses it, changes their password.
    const memberPassword = secret('member password', 'Member-Pa55word-first');
    await gw.call('POST', '/api/users', { headers: owner.headers, body: { email: 'member@example.com', role: 'member', password: memberPassword } });
    const member = sessionFrom(await gw.call('POST', '/api/auth/login', { body: { email: 'member@example.com', password: memberPassword } }));
    secret('member session', member.token);
    const created = await gw.call('POST', '/api/keys', { headers: member.headers, body: { name: 'ci', allowedModels: ['mock-chat'], rpm: 60, budget: { credits: 5 } } });
    const key = secret('member API key', created.body.key);
    secret('member API key without its visible prefix', key.slice(created.body.prefix.length));
    allowed.set(last(), [key, key.slice(created.body.prefix.length)]);
    const bearer = { authorization: `Bearer ${key}` };
    await gw.call('POST', '/v1/chat/completions', { headers: bearer, body: { model: 'mock-chat', messages: [{ role: 'user', content: 'hello' }] } });
    await gw.call('POST', '/v1/chat/completions', { headers: bearer, body: { model: 'mock-chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello' }] } });
    await gw.call('POST', '/v1/chat/completions', { headers: bearer, body: { model: 'mock-embed', messages: [{ role: 'user', content: 'not allowed' }] } });
    await gw.call('GET', '/v1/models', { headers: bearer });
    await gw.call('GET', '/api/keys', { headers: member.headers });
    // Someone guessing keys: the guess must not come back either.
    const guess = secret('guessed key', `sy-${randomBytes(32).toString('base64url')}`);
    await gw.call('POST', '/v1/chat/completions', { headers: { authorization: `Bearer ${guess}` }, body: { model: 'mock-chat', messages: [] } });
    await gw.call('GET', '/v1/models', { headers: { authorization: `Bearer ${secret('malformed key', 'sy-not-a-real-key-but-secret-looking')}` } });
    // A body that is not JSON, with a secret inside.
    await gw.call('POST', '/api/auth/login', { raw: `{"email":"member@example.com","password":"${secret('password in broken JSON', 'Broken-Json-Pa55word')}"`, headers: { 'content-type': 'application/json' } });

    const newMemberPassword = secret('member new password', 'Member-Pa55word-second');
    await gw.call('POST', '/api/auth/password', { headers: member.headers, body: { currentPassword: memberPassword, newPassword: newMemberPassword } });
    await gw.call('POST', '/api/auth/password', { headers: member.headers, body: { currentPassword: secret('wrong current password', 'Not-The-Current-Pa55'), newPassword: 'whatever-password-x' } });
    await gw.call('PATCH', `/api/users/${member.userId}`, { headers: owner.headers, body: { password: secret('reset password', 'Reset-By-Owner-Pa55') } });
    await gw.call('DELETE', `/api/keys/${created.body.id}`, { headers: owner.headers });
    await gw.call('POST', '/v1/chat/completions', { headers: bearer, body: { model: 'mock-chat', messages: [{ role: 'user', content: 'after revoke' }] } });

    // An admin key made by the owner, used on /api.
    const adminKeyReply = await gw.call('POST', '/api/keys', { headers: owner.headers, body: { name: 'automation', scopes: ['admin'] } });
    const automationKey = secret('automation key', adminKeyReply.body.key);
    allowed.set(last(), [automationKey]);
    await gw.call('GET', '/api/users', { headers: { authorization: `Bearer ${automationKey}` } });
    await gw.call('GET', '/api/auth/me', { headers: owner.headers });

    // The audit trail, every way it can be read.
    await gw.call('GET', '/api/audit?limit=1000', { headers: adminKeyHeaders });
    await gw.call('GET', '/api/audit.csv', { headers: adminKeyHeaders });
    await gw.call('GET', '/api/audit/verify', { headers: adminKeyHeaders });
    await gw.call('POST', '/api/auth/logout', { headers: owner.headers });
    await gw.identity.apiKeys.flushLastUsed();
  });
  afterAll(() => gw?.stop());

  const leaks = (where: string, text: string, except: string[] = []) =>
    [...secrets].filter(([value]) => !except.includes(value) && text.includes(value)).map(([, what]) => `${what} in ${where}`);

  it('drove the sequence it meant to (sanity)', () => {
    const statuses = gw.responses.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`);
    expect(statuses).toEqual(expect.arrayContaining(['POST /api/setup 401', 'POST /api/setup 201', 'POST /api/setup 409', 'POST /api/auth/login 401', 'POST /v1/chat/completions 200', 'POST /v1/chat/completions 404', 'GET /api/audit.csv 200']));
    expect(statuses.filter((s) => s === 'POST /v1/chat/completions 401')).toHaveLength(2); // the guess and the revoked key
    expect(gw.logs.length).toBeGreaterThan(0);
    // The scan finds what it looks for: the one answer that shows a key, checked without its exception.
    const [creation] = [...allowed.keys()];
    expect(leaks('the key creation answer', creation.text)).toEqual(['member API key in the key creation answer', 'member API key without its visible prefix in the key creation answer']);
  });

  it('shows no secret in any API response or response header', () => {
    const found = gw.responses.flatMap((r) => {
      const { 'set-cookie': _cookie, ...headers } = r.headers;
      return leaks(`${r.method} ${r.path} (${r.status})`, r.text + JSON.stringify(headers), allowed.get(r));
    });
    expect(found).toEqual([]);
  });

  it('sets the session cookie only as HttpOnly, SameSite=Strict, and never in a body', () => {
    const withCookie = gw.responses.filter((r) => r.headers['set-cookie']?.includes('sy_session=') && !r.headers['set-cookie'].includes('sy_session=;'));
    expect(withCookie.length).toBeGreaterThan(0);
    for (const r of withCookie) expect(r.headers['set-cookie']).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('writes no secret to the logs', () => {
    expect(leaks('the logs', gw.logs.join('\n'))).toEqual([]);
  });

  it('keeps no secret in the audit log, and keeps a password typed as an email out of it', async () => {
    const rows = await gw.db('audit_log').select();
    expect(rows.length).toBeGreaterThan(10);
    expect(leaks('audit_log', JSON.stringify(rows))).toEqual([]);
    const failures = rows.filter((r: { action: string }) => r.action === 'auth.login.failure');
    expect(failures.map((r: { target_label: string | null }) => r.target_label)).toEqual(expect.arrayContaining([null, 'owner@example.com', 'nobody@example.com']));
    const actions = rows.map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['setup.complete', 'auth.login', 'auth.login.failure', 'provider.create', 'credential.create', 'credential.update', 'user.create', 'key.create', 'key.revoke', 'user.password.change', 'user.password.reset', 'audit.export', 'auth.logout']));
    const credUpdate = rows.find((r: { action: string }) => r.action === 'credential.update');
    expect(JSON.parse(credUpdate.details)).toMatchObject({ secretChanged: true, before: { fields: ['apiKey'] } });
  });

  it('stores keys, passwords, sessions and setup tokens only as hashes', async () => {
    const dump = JSON.stringify({
      users: await gw.db('users').select(),
      sessions: await gw.db('sessions').select(),
      keys: await gw.db('api_keys').select(),
      setup: await gw.db('setup_tokens').select(),
      credentials: await gw.db('credentials').select(),
    });
    expect(leaks('the identity tables', dump)).toEqual([]);
  });
});
