import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestSummary } from '../../server/src/dispatch/hooks';
import { storageBackends } from '../support/backends';
import { createKey, createUser, finishSetup, login, startSecurityGateway, type ConsoleSession, type SecurityGateway } from './support';

/** API keys on /v1 through the auth-api-key plugin: scopes, model allow-lists, revocation, what reaches the request path. */
describe.each(await storageBackends())('API keys on /v1 (%s)', (backend) => {
  let gw: SecurityGateway;
  let owner: ConsoleSession;
  let memberId: string;
  const summaries: RequestSummary[] = [];
  const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const ask = (key: string, model = 'mock-chat') => client(key).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

  beforeAll(async () => {
    gw = await startSecurityGateway({ backend, hooks: [{ onRequestEnd: (s) => void summaries.push(s) }] });
    owner = await finishSetup(gw, 'owner@example.com', 'owner-password-123');
    memberId = await createUser(gw, 'member', 'member@example.com', 'member-password-1');
  });
  afterAll(() => gw?.stop());

  it('is served by the auth-api-key plugin, after the admin key and before sessions', () => {
    expect(gw.registry.get('auth', 'api-key')?.manifest).toMatchObject({ kind: 'auth', hostRange: '^0.1.0' });
    expect(gw.authChain.list()).toEqual(['admin-key', 'api-key', 'session', 'oauth']);
  });

  it('works with the official client and hands the request path the key principal', async () => {
    const member = await login(gw, 'member@example.com', 'member-password-1');
    const created = await gw.call('POST', '/api/keys', {
      headers: member.headers,
      body: { name: 'app', projectId: 'proj_a', rpm: 30, tpm: 5000, budget: { credits: 2.5, period: 'day' }, attributes: { tier: 'gold' } },
    });
    expect(created.status).toBe(201);
    summaries.length = 0;
    const answer = await ask(created.body.key);
    expect(answer.object).toBe('chat.completion');
    for (let i = 0; i < 50 && summaries.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(summaries[0].principal).toMatchObject({
      method: 'api-key', id: created.body.id, userId: memberId, projectId: 'proj_a', role: 'member',
      limits: { rpm: 30, tpm: 5000 }, attributes: { tier: 'gold', budget: { microCredits: 2_500_000, period: 'day' }, email: 'member@example.com' },
    });
  });

  it('enforces scopes', async () => {
    const embedOnly = await createKey(gw, { name: 'embed', userId: memberId, scopes: ['embeddings'] });
    const err = await ask(embedOnly.key).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(err.code).toBe('missing_scope');
    expect((await client(embedOnly.key).embeddings.create({ model: 'mock-embed', input: 'x' })).data).toHaveLength(1);
    // The admin API needs the admin scope.
    expect((await gw.call('GET', '/api/keys', { headers: { authorization: `Bearer ${embedOnly.key}` } })).body.error.code).toBe('missing_scope');
  });

  it('limits models like OpenAI: the others do not exist for this key', async () => {
    const limited = await createKey(gw, { name: 'limited', userId: memberId, allowedModels: ['mock-chat', 'mock-im*'] });
    expect((await ask(limited.key)).model).toBe('mock-chat');
    expect((await ask(limited.key, 'mock')).object).toBe('chat.completion'); // an alias of an allowed model
    const err = await client(limited.key).embeddings.create({ model: 'mock-embed', input: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
    expect(err.message).toContain("The model 'mock-embed' does not exist or you do not have access to it.");
    const ids = [];
    for await (const m of client(limited.key).models.list()) ids.push(m.id);
    expect(ids.sort()).toEqual(['mock-chat', 'mock-image']);
    expect((await client(limited.key).models.retrieve('mock-chat')).id).toBe('mock-chat');
    expect(await client(limited.key).models.retrieve('mock-embed').catch((e) => e.status)).toBe(404);
  });

  it('stops working the moment it is revoked, although it was just used', async () => {
    const key = await createKey(gw, { name: 'revoke me', userId: memberId });
    expect((await ask(key.key)).object).toBe('chat.completion');
    expect((await gw.call('DELETE', `/api/keys/${key.id}`, { headers: owner.headers })).body.status).toBe('revoked');
    const err = await ask(key.key).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.code).toBe('api_key_revoked');
    // Revoking twice is harmless and audited once.
    expect((await gw.call('DELETE', `/api/keys/${key.id}`, { headers: owner.headers })).status).toBe(200);
    const entries = (await gw.call('GET', `/api/audit?action=key.revoke&target=${key.id}`, { headers: owner.headers })).body.data;
    expect(entries).toHaveLength(1);
  });

  it('goes with its user', async () => {
    const id = await createUser(gw, 'member', 'leaving@example.com', 'leaving-password');
    const key = await createKey(gw, { name: 'k', userId: id });
    expect((await ask(key.key)).object).toBe('chat.completion');
    expect((await gw.call('DELETE', `/api/users/${id}`, { headers: owner.headers })).status).toBe(204);
    expect(await ask(key.key).catch((e) => e.code)).toBe('invalid_api_key');
  });

  it('shows when it was last used without writing on every request', async () => {
    const key = await createKey(gw, { name: 'used', userId: memberId });
    await ask(key.key);
    const listed = (await gw.call('GET', `/api/keys/${key.id}`, { headers: owner.headers })).body;
    expect(listed.lastUsedAt).toEqual(expect.any(Number));
    expect(listed).not.toHaveProperty('key');
    await gw.identity.apiKeys.flushLastUsed();
    expect(Number((await gw.db('api_keys').where({ id: key.id }).first()).last_used_at)).toBe(listed.lastUsedAt);
  });
});
