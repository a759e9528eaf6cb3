import type { Request } from 'express';
import type { ClientStore, OAuthClient } from './clients';
import { grantedScopes } from './grants';
import { OAuthError } from './oauth-error';

/** A checked authorization request. Errors before `redirectUri` is known are shown, never redirected. */
export interface AuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge: string;
}

/** An error that may go back to the client's redirect URI (RFC 6749 §4.1.2.1). */
export class RedirectableError extends OAuthError {
  constructor(
    readonly redirectUri: string,
    readonly state: string | undefined,
    error: string,
    description: string,
  ) {
    super(error, description);
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function checkAuthorizationRequest(params: Record<string, unknown>, clients: ClientStore): Promise<AuthorizationRequest> {
  const clientId = str(params.client_id);
  const client = clientId ? await clients.get(clientId) : undefined;
  if (!client) throw new OAuthError('invalid_request', 'unknown client_id');
  const asked = str(params.redirect_uri);
  // Exact string match only: no prefix or wildcard matching, which open redirects hide behind.
  const redirectUri = asked ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) throw new OAuthError('invalid_request', 'redirect_uri is missing or not registered for this client');
  const state = str(params.state);
  const fail = (error: string, description: string) => new RedirectableError(redirectUri, state, error, description);
  if (params.response_type !== 'code') throw fail('unsupported_response_type', "only response_type=code is supported");
  if (params.code_challenge_method !== 'S256') throw fail('invalid_request', 'PKCE with code_challenge_method=S256 is required (plain is refused)');
  const codeChallenge = str(params.code_challenge);
  if (!codeChallenge || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) throw fail('invalid_request', 'code_challenge must be the base64url SHA-256 of the code verifier');
  let scopes: string[];
  try {
    scopes = grantedScopes(params.scope, client.scopes);
  } catch (err) {
    throw fail('invalid_scope', (err as Error).message);
  }
  return { client, redirectUri, scopes, state, codeChallenge };
}

/** The redirect back to the client, with a code or an error, the state and the issuer (RFC 9207). */
export function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export function queryParams(req: Request): Record<string, unknown> {
  return req.method === 'GET' ? (req.query as Record<string, unknown>) : ((req.body ?? {}) as Record<string, unknown>);
}
