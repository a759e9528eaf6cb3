import type { PluginRegistry } from '@switchyard/core';
import type { AuthMethod, Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import type { Identity } from '../identity';
import { AccessTokenService } from './access-tokens';
import { ClientStore } from './clients';
import { GrantService } from './grants';

export { oauthEndpoints } from './endpoints';
export { oauthClientRoutes } from './client-routes';
export type { AccessTokenVerification } from './access-tokens';

/** The OAuth 2.0 authorization server's parts. */
export interface OAuth {
  clients: ClientStore;
  grants: GrantService;
  accessTokens: AccessTokenService;
}

export function createOAuth(db: Db, identity: Identity): OAuth {
  const grants = new GrantService(db, identity.audit);
  return { clients: new ClientStore(db), grants, accessTokens: new AccessTokenService(grants, identity.users) };
}

/**
 * The auth chain entry for OAuth access tokens: the `oauth` auth plugin (plugins/auth-oauth), given
 * the host's `oauth` service. Without the plugin, tokens are issued but /v1 does not accept them.
 */
export function oauthAuthMethods(oauth: OAuth, identity: Identity, registry: PluginRegistry, logger: Logger): Array<{ id: string; method: AuthMethod }> {
  const plugin = registry.get('auth', 'oauth');
  if (!plugin) {
    logger.warn('the oauth auth plugin is not loaded: OAuth access tokens cannot be used on /v1');
    return [];
  }
  try {
    return [{ id: 'oauth', method: plugin.createAuth({}, { hostVersion: registry.hostVersion, logger, services: { ...identity.services, oauth: oauth.accessTokens } }) }];
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'the oauth auth plugin failed to start: OAuth access tokens cannot be used');
    return [];
  }
}
