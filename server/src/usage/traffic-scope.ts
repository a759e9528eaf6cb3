import type { Principal } from '@switchyard/spec';

/** Whose traffic a caller may see: everyone's, or only their own user's. */
export type TrafficScope = { kind: 'all' } | { kind: 'user'; userId: string };

/** Owners and admins (the admin key is an owner). */
export function isAdminPrincipal(p: Principal): boolean {
  return p.role === 'owner' || p.role === 'admin';
}

/**
 * The scope of analytics and the live feed for a caller, or undefined when it may see none. As
 * for the rest of the console API (identity/route-rules.ts), the caller needs the `admin` scope
 * (or `*`): console sessions have it, API keys only when their creator gave it. The role then
 * decides: owners and admins see all traffic, members and viewers only their own user's. A
 * principal without a role (an auth plugin that assigns none) sees nothing.
 */
export function trafficScope(p: Principal): TrafficScope | undefined {
  const opensConsole = p.scopes.includes('*') || p.scopes.includes('admin');
  if (!opensConsole || !p.role) return undefined;
  if (isAdminPrincipal(p)) return { kind: 'all' };
  return p.userId ? { kind: 'user', userId: p.userId } : undefined;
}
