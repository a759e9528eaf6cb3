import type { Request } from 'express';
import { ClientStore, type OAuthClient } from './clients';
import { OAuthError } from './oauth-error';
import { secretMatches } from './token-secrets';

/** client_secret_basic: the id and secret are form-urlencoded, then joined and base64-encoded (RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  } catch {
    return undefined;
  }
}

const INVALID_CLIENT = () => new OAuthError('invalid_client', 'client authentication failed', 401);

/**
 * The calling client: confidential clients by secret (Basic or form body), public clients by
 * client_id alone (they prove possession with PKCE instead). `requireSecret` is for endpoints only
 * confidential clients may use (introspection).
 */
export async function authenticateClient(req: Request, clients: ClientStore, options: { requireSecret?: boolean } = {}): Promise<OAuthClient> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const basic = basicCredentials(req.headers.authorization);
  const id = basic?.id ?? body.client_id;
  const secret = basic?.secret ?? body.client_secret;
  if (typeof id !== 'string' || !id) throw INVALID_CLIENT();
  if (basic && typeof body.client_id === 'string' && body.client_id !== basic.id) throw new OAuthError('invalid_request', 'client_id in the body differs from the one in Authorization');
  const client = await clients.get(id);
  if (!client) throw INVALID_CLIENT();
  if (client.type === 'confidential') {
    if (typeof secret !== 'string' || !secretMatches(secret, (await clients.secretHash(id)) ?? null)) throw INVALID_CLIENT();
  } else if (options.requireSecret || secret !== undefined) {
    throw INVALID_CLIENT();
  }
  return client;
}
