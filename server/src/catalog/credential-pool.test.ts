import { describe, expect, it } from 'vitest';
import { errorFromHttpStatus } from '@switchyard/core';
import type { UnlockedCredential } from '../repos/credentials';
import { CredentialPool, DEFAULT_COOLDOWN_MS, type StateChange } from './credential-pool';

const cred = (id: string, weight = 1, over: Partial<UnlockedCredential> = {}): UnlockedCredential => ({
  id,
  providerId: 'p',
  name: id,
  weight,
  enabled: true,
  state: 'active',
  stateReason: null,
  cooldownUntil: null,
  keyVersion: 1,
  fields: ['apiKey'],
  source: 'api',
  createdAt: 0,
  updatedAt: 0,
  secret: { apiKey: `key-${id}` },
  ...over,
});

const upstream = (status: number, retryAfterMs?: number) => errorFromHttpStatus({ status, provider: 'p', message: 'x', retryAfterMs });

describe('CredentialPool', () => {
  it('chooses by weight', () => {
    const pool = new CredentialPool('p', [cred('a', 1), cred('b', 3)], () => {});
    expect(pool.pick(undefined, () => 0.1).id).toBe('a'); // 0.4 < 1
    expect(pool.pick(undefined, () => 0.5).id).toBe('b');
    expect(pool.pick(undefined, () => 0.99).id).toBe('b');
  });

  it('skips disabled-by-operator and zero-weight credentials', () => {
    const pool = new CredentialPool('p', [cred('a', 1, { enabled: false }), cred('z', 0), cred('b')], () => {});
    expect(pool.size).toBe(2);
    expect(pool.pick(undefined, () => 0).id).toBe('b');
  });

  it('disables a credential after 401 or 403 and records why', () => {
    const changes: StateChange[] = [];
    const pool = new CredentialPool('p', [cred('a'), cred('b')], (c) => changes.push(c));
    pool.report('a', upstream(401));
    pool.report('b', upstream(403));
    expect(changes.map((c) => [c.credentialId, c.state])).toEqual([
      ['a', 'disabled'],
      ['b', 'disabled'],
    ]);
    expect(changes[0].reason).toMatch(/401/);
    expect(() => pool.pick()).toThrow(/no usable credential/);
  });

  it('cools down after 429 for Retry-After (or the default), then brings it back', () => {
    let now = 1_000_000;
    const pool = new CredentialPool('p', [cred('a'), cred('b')], () => {}, () => now);
    pool.report('a', upstream(429, 5_000));
    expect(pool.pick(undefined, () => 0).id).toBe('b');
    pool.report('b', upstream(429));
    try {
      pool.pick();
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 429, retryAfterMs: 5_000 });
    }
    now += 5_001;
    expect(pool.pick().id).toBe('a');
    expect(pool.states().find((s) => s.id === 'b')).toMatchObject({ state: 'cooling', cooldownUntil: 1_000_000 + DEFAULT_COOLDOWN_MS });
  });

  it('leaves credentials alone on other errors', () => {
    const changes: StateChange[] = [];
    const pool = new CredentialPool('p', [cred('a')], (c) => changes.push(c));
    pool.report('a', upstream(500));
    expect(changes).toHaveLength(0);
  });
});
