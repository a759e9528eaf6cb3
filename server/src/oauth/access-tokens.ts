import type { Principal } from '@switchyard/spec';
import { sessionScopes } from '../identity/session-auth';
import type { UserService } from '../identity/users';
import type { GrantService } from './grants';
import { ACCESS_TOKEN_PREFIX } from './token-secrets';

/** What the host's `oauth` service (ctx.services.oauth) says about a bearer token; plugins/auth-oauth uses it. */
export type AccessTokenVerification = { status: 'ok'; principal: Principal } | { status: 'invalid' } | { status: 'owner_disabled' };

/**
 * Verifies an access token for /v1. A user's token is narrowed to what the user's current role
 * allows (a viewer's token cannot chat even if the client may), and stops with a disabled user.
 */
export class AccessTokenService {
  constructor(
    private readonly grants: GrantService,
    private readonly users: UserService,
  ) {}

  async verify(token: string): Promise<AccessTokenVerification> {
    if (!token.startsWith(ACCESS_TOKEN_PREFIX)) return { status: 'invalid' };
    const found = await this.grants.lookup(token);
    if (!found || found.kind !== 'access') return { status: 'invalid' };
    const principal: Principal = { method: 'oauth', id: found.id, scopes: found.scopes, attributes: { oauthClientId: found.clientId } };
    if (found.userId) {
      const user = await this.users.get(found.userId);
      if (!user) return { status: 'invalid' };
      if (user.disabled) return { status: 'owner_disabled' };
      const roleScopes = sessionScopes(user.role);
      principal.userId = user.id;
      principal.role = user.role;
      principal.scopes = roleScopes.includes('*') ? found.scopes : found.scopes.filter((s) => roleScopes.includes(s));
      principal.attributes = { ...principal.attributes, email: user.email };
    }
    return { status: 'ok', principal };
  }
}
