import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '@switchyard/core';
import { HOST_VERSION, type AuthRequest, type Principal } from '@switchyard/plugin-kit';
import plugin from './index';
import type { ApiKeysService, KeyVerification } from './service';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const principal: Principal = { method: 'api-key', id: 'key_1', userId: 'user_1', role: 'member', scopes: ['chat'] };
const GOOD = `sy-${'a'.repeat(43)}`;

function fakeService(answers: Record<string, KeyVerification>): ApiKeysService & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async verify(secret) {
      asked.push(secret);
      return answers[secret] ?? { status: 'unknown' };
    },
  };
}

const request = (headers: AuthRequest['headers']): AuthRequest => ({ method: 'POST', path: '/v1/chat/completions', ip: '127.0.0.1', headers });

describe('auth-api-key plugin', () => {
  it('has a manifest the registry accepts', () => {
    const registry = new PluginRegistry(HOST_VERSION);
    expect(registry.register(plugin)).toBe(true);
    expect(registry.get('auth', 'api-key')).toBe(plugin);
  });

  it('refuses to start without the host service', () => {
    expect(() => plugin.createAuth({}, { hostVersion: HOST_VERSION, logger, services: {} })).toThrow(/apiKeys/);
  });

  it('accepts a valid key from Authorization, x-api-key or api-key', async () => {
    const svc = fakeService({ [GOOD]: { status: 'ok', principal } });
    const auth = plugin.createAuth({}, { hostVersion: HOST_VERSION, logger, services: { apiKeys: svc } });
    for (const headers of [{ authorization: `Bearer ${GOOD}` }, { 'x-api-key': GOOD }, { 'api-key': GOOD }]) {
      expect(await auth.authenticate(request(headers))).toEqual({ outcome: 'ok', principal });
    }
  });

  it('skips requests without a key or with a key that is not ours, without asking the service', async () => {
    const svc = fakeService({});
    const auth = plugin.createAuth({}, { hostVersion: HOST_VERSION, logger, services: { apiKeys: svc } });
    expect(await auth.authenticate(request({}))).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(request({ authorization: 'Bearer some-oauth-token' }))).toEqual({ outcome: 'skip' });
    expect(await auth.authenticate(request({ authorization: 'Basic dXNlcjpwYXNz' }))).toEqual({ outcome: 'skip' });
    expect(svc.asked).toEqual([]);
  });

  it('denies revoked, expired, unknown and malformed keys with distinct codes and no key in the message', async () => {
    const svc = fakeService({
      [`sy-${'r'.repeat(43)}`]: { status: 'revoked' },
      [`sy-${'e'.repeat(43)}`]: { status: 'expired' },
      [`sy-${'d'.repeat(43)}`]: { status: 'owner_disabled' },
      'sy-short': { status: 'malformed' },
    });
    const auth = plugin.createAuth({}, { hostVersion: HOST_VERSION, logger, services: { apiKeys: svc } });
    const codeOf = async (key: string) => {
      const r = await auth.authenticate(request({ authorization: `Bearer ${key}` }));
      if (r.outcome !== 'deny') throw new Error(`expected deny, got ${r.outcome}`);
      expect(r.error.status).toBe(401);
      expect(r.error.message).not.toContain(key);
      expect(r.error.message).not.toContain(key.slice(3, 9));
      return r.error.code;
    };
    expect(await codeOf(`sy-${'r'.repeat(43)}`)).toBe('api_key_revoked');
    expect(await codeOf(`sy-${'e'.repeat(43)}`)).toBe('api_key_expired');
    expect(await codeOf(`sy-${'d'.repeat(43)}`)).toBe('api_key_owner_disabled');
    expect(await codeOf(`sy-${'u'.repeat(43)}`)).toBe('invalid_api_key');
    expect(await codeOf('sy-short')).toBe('invalid_api_key');
  });
});
