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

  it('judges keys without a role by their scopes', () => {
    expect(trafficScope(p({ method: 'api-key', scopes: ['admin'] }))).toEqual({ kind: 'all' });
    expect(trafficScope(p({ method: 'api-key', scopes: ['chat'], userId: 'u1' }))).toBeUndefined();
  });
});
