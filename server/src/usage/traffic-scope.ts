import type { Principal } from '@switchyard/spec';

/** Whose traffic a caller may see: everyone's, or only their own user's. */
export type TrafficScope = { kind: 'all' } | { kind: 'user'; userId: string };

/**
 * Admin and owner users see all traffic. A principal with a role is judged by its role alone
 * (console sessions carry `*` scopes for every role, so scopes say nothing there); one without
 * a role (a key) by its scopes.
 */
export function isAdminPrincipal(p: Principal): boolean {
  if (p.role !== undefined) return p.role === 'owner' || p.role === 'admin';
  return p.scopes.includes('*') || p.scopes.includes('admin');
}

/**
 * The scope of analytics and the live feed for a caller, or undefined when it may see none.
 * A non-admin sees only its user's traffic, and only when it is a console user: a principal with
 * a role (console sessions carry the user's role) or the `console` scope. A bare API key,
 * even one that belongs to a user, is refused.
 */
export function trafficScope(p: Principal): TrafficScope | undefined {
  if (isAdminPrincipal(p)) return { kind: 'all' };
  if (p.userId && (p.role !== undefined || p.scopes.includes('console'))) return { kind: 'user', userId: p.userId };
  return undefined;
}
