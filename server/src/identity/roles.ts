/** Console roles, weakest first: each role can do everything the one before it can. */
export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Position in ROLES; -1 for a caller without a role (e.g. a future token type that carries none). */
export function roleRank(role: string | undefined): number {
  return role === undefined ? -1 : (ROLES as readonly string[]).indexOf(role);
}

export function atLeast(role: string | undefined, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}
