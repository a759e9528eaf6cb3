import type { Role } from './settings';

/** The part of the host's user service (ctx.services.users) this plugin uses. */
export interface OidcUsersService {
  getByEmail(email: string): Promise<{ id: string; email: string; role: Role; disabled: boolean } | undefined>;
  create(input: { email: string; name?: string; role: Role }): Promise<{ id: string; email: string; role: Role; disabled: boolean }>;
}

export function isUsersService(value: unknown): value is OidcUsersService {
  const v = value as OidcUsersService | null;
  return typeof v === 'object' && v !== null && typeof v.getByEmail === 'function' && typeof v.create === 'function';
}
