import { PluginRegistry } from '@switchyard/core';
import { HOST_VERSION, type AuthRequest, type Principal } from '@switchyard/plugin-kit';
import { describe, expect, it } from 'vitest';
import plugin, { type OAuthAccessTokenService } from './index';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const principal: Principal = { method: 'oauth', id: 'tok_1', userId: 'user_1', role: 'member', scopes: ['chat'] };
const request = (headers: AuthRequest['headers']): AuthRequest => ({ method: 'POST', path: '/v1/chat/completions', ip: '127.0.0.1', headers });

function service(answers: Record<string, Awaited<ReturnType<OAuthAccessTokenService['verify']>>>): OAuthAccessTokenService & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async verify(token) {
      asked.push(token);
      return answers[token] ?? { status: 'invalid' };
    },
  };
}

describe('auth-oauth plugin', () => {
  it('has a manifest the registry accepts', () => {
    expect(new PluginRegistry(HOST_VERSION).register(plugin)).toBe(true);
  });

  it('refuses to start without the host oauth service', () => {
    expect(() => plugin.createAuth({}, { hostVersion: HOST_VERSION, logger, services: {} })).toThrow(/oauth service/);
  });

  it('answers only for syat_ bearer tokens, and never echoes them', async () => {
    const svc = service({ syat_good: { status: 'ok', principal }, syat_off: { status: 'owner_disabled' } });
    const auth = plugin.createAuth({}, { hostVersion: HOST_VERSION, logger, services: { oauth: svc } });
    expect(await auth.authenticate(request({ authorization: 'Bearer sy-apikey' }))).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(request({ 'x-api-key': 'syat_good' }))).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(request({ authorization: 'Bearer syat_good' }))).toEqual({ outcome: 'ok', principal });
    const off = await auth.authenticate(request({ authorization: 'Bearer syat_off' }));
    expect(off).toMatchObject({ outcome: 'deny', error: { status: 401, code: 'oauth_token_owner_disabled' } });
    const bad = await auth.authenticate(request({ authorization: 'Bearer syat_bad-secret-value' }));
    expect(bad).toMatchObject({ outcome: 'deny', error: { status: 401, type: 'authentication_error', code: 'invalid_access_token' } });
    expect(JSON.stringify(bad)).not.toContain('bad-secret-value');
    expect(svc.asked).toEqual(['syat_good', 'syat_off', 'syat_bad-secret-value']);
  });
});
