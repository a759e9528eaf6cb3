import { describe, expect, it } from 'vitest';
import type { Principal } from '@switchyard/spec';
import { isAdminPrincipal, trafficScope } from './traffic-scope';

const p = (over: Partial<Principal>): Principal => ({ method: 'session', id: 's', scopes: ['*'], ...over });

describe('traffic scope', () => {
  it('judges console users by role, not by their blanket scopes', () => {
    expect(trafficScope(p({ role: 'owner', userId: 'u1' }))).toEqual({ kind: 'all' });
    expect(trafficScope(p({ role: 'admin', userId: 'u1' }))).toEqual({ kind: 'all' });
    expect(trafficScope(p({ role: 'member', userId: 'u1' }))).toEqual({ kind: 'user', userId: 'u1' });
    expect(trafficScope(p({ role: 'viewer', userId: 'u2', scopes: ['admin'] }))).toEqual({ kind: 'user', userId: 'u2' });
    expect(isAdminPrincipal(p({ role: 'viewer', scopes: ['admin'] }))).toBe(false);
  });

  it('needs the admin scope, as the rest of the console API does', () => {
    // Identity's API keys carry their owner's role; only the admin scope opens the console to them.
    expect(trafficScope(p({ method: 'api-key', role: 'member', scopes: ['chat'], userId: 'u1' }))).toBeUndefined();
    expect(trafficScope(p({ method: 'api-key', role: 'member', scopes: ['admin'], userId: 'u1' }))).toEqual({ kind: 'user', userId: 'u1' });
    expect(trafficScope(p({ method: 'api-key', role: 'owner', scopes: ['admin'], userId: 'u1' }))).toEqual({ kind: 'all' });
  });

  it('refuses a principal without a role, as the /api guard does (roleRank -1)', () => {
    expect(trafficScope(p({ method: 'plugin', scopes: ['admin'] }))).toBeUndefined();
    expect(trafficScope(p({ method: 'plugin', scopes: ['*'], userId: 'u1' }))).toBeUndefined();
    expect(isAdminPrincipal(p({ method: 'plugin', scopes: ['*'] }))).toBe(false);
  });
});
