import { describe, expect, it } from 'vitest';
import type { Principal } from '@switchyard/spec';
import { ruleMatcher } from './authorize';
import { readCookie, sessionCookie } from './cookies';
import { csrfTokenFor, csrfTokenMatches } from './csrf';
import { modelAllowed } from './model-access';
import { compileRoutePath } from './route-pattern';
import { ADMIN_ROUTE_RULES } from './route-rules';
import { atLeast, roleRank } from './roles';

describe('route patterns and the rule table', () => {
  it('matches express-style paths', () => {
    expect(compileRoutePath('/providers/:id').test('/providers/openai')).toBe(true);
    expect(compileRoutePath('/providers/:id').test('/providers/openai/test')).toBe(false);
    expect(compileRoutePath('/models/*id').test('/models/openai/gpt-4o')).toBe(true);
    expect(compileRoutePath('/audit.csv').test('/auditXcsv')).toBe(false);
    expect(compileRoutePath('/audit').test('/audit/')).toBe(true);
  });

  it('finds the rule of a request, HEAD as GET', () => {
    const m = ruleMatcher();
    expect(m.find('GET', '/providers/openai')?.access).toBe('viewer');
    expect(m.find('DELETE', '/providers/openai')?.access).toBe('admin');
    expect(m.find('HEAD', '/audit.csv')?.access).toBe('admin');
    expect(m.find('POST', '/auth/login')?.access).toBe('public');
    expect(m.find('GET', '/not/a/route')).toBeUndefined();
  });

  it('gives viewers no write except their own password and checking a graph', () => {
    const viewerWrites = ADMIN_ROUTE_RULES.filter((r) => r.method !== 'GET' && r.access === 'viewer').map((r) => `${r.method} ${r.path}`);
    expect(viewerWrites.sort()).toEqual(['POST /auth/password', 'POST /pipelines/validate']);
  });

  it('orders roles', () => {
    expect(atLeast('owner', 'admin')).toBe(true);
    expect(atLeast('member', 'admin')).toBe(false);
    expect(atLeast(undefined, 'viewer')).toBe(false);
    expect(roleRank('superuser')).toBe(-1);
  });
});

describe('model allow-lists', () => {
  const catalog = { resolve: (name: string) => (name === 'fast' ? { modelId: 'gpt-4o-mini' } : name.startsWith('unknown') ? undefined : { modelId: name }) };
  const p = (allowedModels?: string[]): Principal => ({ method: 'api-key', id: 'k', scopes: ['*'], allowedModels });

  it('allows everything without a list', () => {
    expect(modelAllowed(p(), 'anything', catalog)).toBe(true);
    expect(modelAllowed(undefined, 'anything', catalog)).toBe(true);
  });

  it('matches names, the model an alias resolves to, and prefixes', () => {
    expect(modelAllowed(p(['gpt-4o-mini']), 'fast', catalog)).toBe(true);
    expect(modelAllowed(p(['fast']), 'fast', catalog)).toBe(true);
    expect(modelAllowed(p(['openai/*']), 'openai/gpt-4.1', catalog)).toBe(true);
    expect(modelAllowed(p(['openai/*']), 'anthropic/claude', catalog)).toBe(false);
    expect(modelAllowed(p([]), 'fast', catalog)).toBe(false);
  });
});

describe('cookies and CSRF tokens', () => {
  it('reads one cookie among many and writes a strict session cookie', () => {
    expect(readCookie('a=1; sy_session=abc%2Fdef; b=2', 'sy_session')).toBe('abc/def');
    expect(readCookie('xsy_session=1', 'sy_session')).toBeUndefined();
    expect(readCookie(undefined, 'sy_session')).toBeUndefined();
    expect(readCookie('sy_session=%E0%A4%A', 'sy_session')).toBeUndefined();
    expect(sessionCookie('v', { maxAgeMs: 3_600_000, secure: true })).toBe('sy_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure');
  });

  it('derives a CSRF token that only the session secret produces', () => {
    const token = csrfTokenFor('session-secret');
    expect(token).not.toContain('session-secret');
    expect(csrfTokenMatches('session-secret', token)).toBe(true);
    expect(csrfTokenMatches('other-secret', token)).toBe(false);
    expect(csrfTokenMatches('session-secret', undefined)).toBe(false);
    expect(csrfTokenMatches('session-secret', [token, token])).toBe(false);
  });
});
