import { SYSTEM_ACTOR } from '../identity';
import type { KeyScope } from '../identity/api-keys';
import type { CliContext } from './context';
import { CliError } from './errors';

async function userIdOf(ctx: CliContext, ref: string): Promise<string> {
  const user = ref.includes('@') ? await ctx.identity.users.getByEmail(ref) : await ctx.identity.users.get(ref);
  if (!user) throw new CliError(`no user '${ref}'`);
  return user.id;
}

/** keys list [--user <id|email>]: one line per key; never a secret (only its display form). */
export async function listKeys(ctx: CliContext, options: { user?: string }): Promise<void> {
  const keys = await ctx.identity.apiKeys.list(options.user ? { userId: await userIdOf(ctx, options.user) } : {});
  if (keys.length === 0) return ctx.out('No keys.');
  for (const k of keys) {
    ctx.out([k.id, k.status.padEnd(7), k.display, k.userId, new Date(k.createdAt).toISOString(), k.name].join('  '));
  }
}

/** keys create --user <id|email> --name <name> [--scopes a,b] [--expires-days n]: prints the secret once. */
export async function createKey(ctx: CliContext, options: { user?: string; name?: string; scopes?: string; 'expires-days'?: string }): Promise<void> {
  if (!options.user || !options.name) throw new CliError('keys create needs --user and --name');
  const days = options['expires-days'] === undefined ? undefined : Number(options['expires-days']);
  if (days !== undefined && !(days > 0)) throw new CliError('--expires-days must be a positive number');
  const { info, secret } = await ctx.identity.apiKeys.create({
    name: options.name,
    userId: await userIdOf(ctx, options.user),
    ...(options.scopes ? { scopes: options.scopes.split(',').map((s) => s.trim()) as KeyScope[] } : {}),
    ...(days ? { expiresAt: Date.now() + days * 86_400_000 } : {}),
    createdBy: 'cli',
  });
  await ctx.identity.audit.recordQuietly({ actor: SYSTEM_ACTOR, action: 'key.create', target: { type: 'api_key', id: info.id, label: info.name }, details: { via: 'cli', userId: info.userId } });
  ctx.out(`Created key ${info.id} (${info.display}) for ${info.userId}.`);
  ctx.out(`Key (shown once): ${secret}`);
}

/** keys revoke <id>: running instances stop accepting it at once when they share Redis, else within their key cache TTL. */
export async function revokeKey(ctx: CliContext, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('keys revoke needs the key id');
  const revoked = await ctx.identity.apiKeys.revoke(id, 'cli');
  if (!revoked) throw new CliError(`no key '${id}'`);
  await ctx.identity.audit.recordQuietly({ actor: SYSTEM_ACTOR, action: 'key.revoke', target: { type: 'api_key', id, label: revoked.name }, details: { via: 'cli' } });
  ctx.out(`Revoked key ${id}.`);
}
