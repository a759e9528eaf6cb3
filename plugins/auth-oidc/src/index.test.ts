import { PluginRegistry } from '@switchyard/core';
import { HOST_VERSION, type AuthRequest } from '@switchyard/plugin-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from './index';
import { makeKey, signJwt, startTestProvider, type TestKey } from './test-provider';
import type { OidcUsersService } from './users';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const request = (token: string): AuthRequest => ({ method: 'GET', path: '/v1/models', ip: '127.0.0.1', headers: { authorization: `Bearer ${token}` } });

function fakeUsers(existing: Array<{ id: string; email: string; role: 'owner' | 'admin' | 'member' | 'viewer'; disabled: boolean }>): OidcUsersService & { created: string[] } {
  const created: string[] = [];
  return {
    created,
    async getByEmail(email) {
      return existing.find((u) => u.email === email);
    },
    async create(input) {
      created.push(input.email);
      const u = { id: `user_${created.length}`, email: input.email, role: input.role, disabled: false };
      existing.push(u);
      return u;
    },
  };
}

describe('auth-oidc plugin', () => {
  let provider: Awaited<ReturnType<typeof startTestProvider>>;
  let key: TestKey;
  const token = (claims: Record<string, unknown>) => signJwt(key, { iss: provider.issuer, aud: 'gw', sub: 's1', exp: Math.floor(Date.now() / 1000) + 60, ...claims });

  beforeAll(async () => {
    provider = await startTestProvider();
    key = makeKey('k', 'RS256');
    provider.keys.push(key);
  });
  afterAll(() => provider?.close());

  it('has a manifest the registry accepts', () => {
    expect(new PluginRegistry(HOST_VERSION).register(plugin)).toBe(true);
  });

  it('maps to existing users, keeping their console role, and refuses unknown ones without auto-provisioning', async () => {
    const users = fakeUsers([{ id: 'user_ada', email: 'ada@example.com', role: 'admin', disabled: false }, { id: 'user_off', email: 'off@example.com', role: 'member', disabled: true }]);
    const auth = plugin.createAuth({ issuer: provider.issuer, audience: 'gw' }, { hostVersion: HOST_VERSION, logger, services: { users } });
    expect(await auth.authenticate(request(token({ email: 'ada@example.com' })))).toMatchObject({ outcome: 'ok', principal: { method: 'oidc', userId: 'user_ada', role: 'admin', scopes: ['chat', 'embeddings', 'images', 'models'] } });
    expect(await auth.authenticate(request(token({ email: 'new@example.com' })))).toMatchObject({ outcome: 'deny', error: { status: 403, code: 'oidc_user_unknown' } });
    expect(await auth.authenticate(request(token({ email: 'off@example.com' })))).toMatchObject({ outcome: 'deny', error: { code: 'oidc_user_disabled' } });
    expect(await auth.authenticate(request(token({ email: 'ada@example.com', email_verified: false })))).toMatchObject({ outcome: 'deny', error: { code: 'oidc_email_unverified' } });
    expect(await auth.authenticate(request(token({})))).toMatchObject({ outcome: 'deny', error: { code: 'oidc_claims_missing' } });
    expect(users.created).toEqual([]);
  });

  it('uses the configured claims and the strongest mapped role when provisioning', async () => {
    const users = fakeUsers([]);
    const auth = plugin.createAuth(
      { issuer: provider.issuer, audience: ['gw', 'gw2'], emailClaim: 'upn', subjectClaim: 'oid', autoProvision: true, roleClaim: 'roles', roleMapping: { readers: 'viewer', ops: 'admin' }, defaultRole: 'viewer' },
      { hostVersion: HOST_VERSION, logger, services: { users } },
    );
    const result = await auth.authenticate(request(token({ aud: 'gw2', upn: 'lin@example.com', oid: 'o-9', roles: ['readers', 'ops'] })));
    expect(result).toMatchObject({ outcome: 'ok', principal: { id: 'oidc:o-9', role: 'admin', attributes: { email: 'lin@example.com', oidcSubject: 'o-9' } } });
    expect(users.created).toEqual(['lin@example.com']);
  });

  it('skips what is not a JWT, and says so when the provider cannot be reached', async () => {
    const auth = plugin.createAuth({ issuer: 'http://127.0.0.1:9', audience: 'gw' }, { hostVersion: HOST_VERSION, logger, services: { users: fakeUsers([]) } });
    expect(await auth.authenticate(request('sy-abc'))).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate({ ...request('x'), headers: {} })).toEqual({ outcome: 'skip' });
    const unreachable = signJwt(key, { iss: 'http://127.0.0.1:9', aud: 'gw', sub: 's', email: 'a@example.com', exp: Math.floor(Date.now() / 1000) + 60 });
    expect(await auth.authenticate(request(unreachable))).toMatchObject({ outcome: 'deny', error: { status: 503, code: 'oidc_provider_unavailable' } });
  });
});
