import { HOST_VERSION, type AuthPlugin, type AuthRequest } from '@switchyard/plugin-kit';
import { describe, expect, it } from 'vitest';
import trustedHeader from './index';

// Called the way the host calls it (the contract's signature, with the context).
const plugin: AuthPlugin = trustedHeader;

const SECRET = 'proxy-secret-0123456789abcdef';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const method = plugin.createAuth({ proxySecret: SECRET, allowedGroups: ['staff', 'ops'], adminGroups: ['ops'] }, { hostVersion: HOST_VERSION, logger: silent, services: {} });
const request = (headers: AuthRequest['headers']): AuthRequest => ({ method: 'POST', path: '/v1/chat/completions', ip: '10.0.0.2', headers });

describe('trusted-header auth', () => {
  it('skips requests without identity headers, for the next method', async () => {
    expect(await method.authenticate(request({ authorization: 'Bearer sk-x' }))).toEqual({ outcome: 'skip' });
  });

  it('signs in the user the proxy names, with groups and email as attributes', async () => {
    const result = await method.authenticate(request({ 'x-proxy-secret': SECRET, 'x-forwarded-user': 'ada', 'x-forwarded-email': 'ada@example.com', 'x-forwarded-groups': 'staff, research' }));
    expect(result).toEqual({
      outcome: 'ok',
      principal: { method: 'trusted-header', id: 'trusted-header:ada', scopes: ['chat', 'embeddings', 'images', 'models'], attributes: { user: 'ada', groups: ['staff', 'research'], email: 'ada@example.com' } },
    });
  });

  it('gives admin groups the admin scope', async () => {
    const result = await method.authenticate(request({ 'x-proxy-secret': SECRET, 'x-forwarded-user': 'grace', 'x-forwarded-groups': 'ops' }));
    expect(result).toMatchObject({ outcome: 'ok', principal: { role: 'admin', scopes: expect.arrayContaining(['admin', 'chat']) } });
  });

  it.each([
    ['identity headers without the proxy secret', { 'x-forwarded-user': 'mallory' }, 401, 'untrusted_identity_header'],
    ['a wrong proxy secret', { 'x-proxy-secret': 'guess-guess-guess-guess', 'x-forwarded-user': 'mallory' }, 401, 'untrusted_identity_header'],
    ['the secret but no user', { 'x-proxy-secret': SECRET }, 401, 'missing_identity_header'],
    ['a user header sent twice', { 'x-proxy-secret': SECRET, 'x-forwarded-user': ['ada', 'root'] }, 401, 'invalid_identity_header'],
    ['control characters in the user', { 'x-proxy-secret': SECRET, 'x-forwarded-user': 'ada\r\nx' }, 401, 'invalid_identity_header'],
    ['a user outside the allowed groups', { 'x-proxy-secret': SECRET, 'x-forwarded-user': 'eve', 'x-forwarded-groups': 'guests' }, 403, 'group_not_allowed'],
  ])('refuses %s', async (_label, headers, status, code) => {
    const result = await method.authenticate(request(headers as AuthRequest['headers']));
    expect(result).toMatchObject({ outcome: 'deny', error: { status, code, retryable: false } });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('will not start without a proper secret', () => {
    expect(() => plugin.createAuth({ proxySecret: 'short' }, { hostVersion: HOST_VERSION, logger: silent, services: {} })).toThrow(/at least 16/);
  });
});
