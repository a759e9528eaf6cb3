import { randomBytes } from 'node:crypto';
import { SYSTEM_ACTOR } from '../identity';
import { ROLES, type Role } from '../identity/roles';
import type { CliContext } from './context';
import { CliError } from './errors';

/**
 * create-admin: an owner (the first account) or an admin. Without --password a strong one is
 * generated and printed once.
 */
export async function createAdmin(ctx: CliContext, options: { email?: string; password?: string; role?: string; name?: string }): Promise<void> {
  if (!options.email) throw new CliError('create-admin needs --email');
  const users = await ctx.identity.users.list();
  const role = (options.role ?? (users.some((u) => u.role === 'owner') ? 'admin' : 'owner')) as Role;
  if (role !== 'owner' && role !== 'admin') throw new CliError(`--role must be owner or admin (roles: ${ROLES.join(', ')})`);
  const password = options.password ?? randomBytes(18).toString('base64url');
  const user = await ctx.identity.users.create({ email: options.email, name: options.name, role, password });
  await ctx.identity.audit.recordQuietly({ actor: SYSTEM_ACTOR, action: 'user.create', target: { type: 'user', id: user.id, label: user.email }, details: { role, via: 'cli' } });
  ctx.out(`Created ${role} ${user.email} (${user.id}).`);
  if (!options.password) ctx.out(`Password (shown once): ${password}`);
}
