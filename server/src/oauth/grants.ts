import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect';
import type { AuditLog } from '../identity/audit/audit-log';
import { SYSTEM_ACTOR } from '../identity/audit/audit-log';
import type { OAuthClient } from './clients';
import { OAuthError } from './oauth-error';
import { ACCESS_TOKEN_PREFIX, CODE_PREFIX, hashSecret, isValidVerifier, newSecret, REFRESH_TOKEN_PREFIX, s256 } from './token-secrets';

export const ACCESS_TOKEN_TTL_MS = 3_600_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 86_400_000;
export const CODE_TTL_MS = 60_000;

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

interface TokenRow {
  id: string;
  token_hash: string;
  kind: 'access' | 'refresh';
  client_id: string;
  user_id: string | null;
  scopes: string;
  family_id: string;
  expires_at: number | string;
  rotated_at: number | string | null;
  revoked_at: number | string | null;
  created_at: number | string;
}

export interface ActiveToken {
  id: string;
  kind: 'access' | 'refresh';
  clientId: string;
  userId: string | null;
  scopes: string[];
  expiresAt: number;
  issuedAt: number;
}

const newId = () => randomBytes(12).toString('base64url');

/** Requested scopes, space-separated (RFC 6749 §3.3); none means all the client may have. */
export function grantedScopes(requested: unknown, allowed: string[]): string[] {
  if (requested === undefined || requested === '') return allowed;
  if (typeof requested !== 'string') throw new OAuthError('invalid_scope', 'scope must be a space-separated string');
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  const extra = asked.filter((s) => !allowed.includes(s));
  if (extra.length) throw new OAuthError('invalid_scope', `this client may not request: ${extra.join(', ')}`);
  return asked;
}

/**
 * Authorization codes and opaque tokens. Only hashes are stored. Each code starts a token family;
 * a refresh token is exchanged once (conditional update), and presenting an exchanged one again
 * revokes its whole family, as does replaying a code.
 */
export class GrantService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  async issueCode(input: { client: OAuthClient; userId: string; redirectUri: string; scopes: string[]; codeChallenge: string }): Promise<string> {
    const code = newSecret(CODE_PREFIX);
    const now = Date.now();
    await this.db('oauth_codes').insert({
      code_hash: hashSecret(code),
      client_id: input.client.id,
      user_id: input.userId,
      redirect_uri: input.redirectUri,
      scopes: JSON.stringify(input.scopes),
      code_challenge: input.codeChallenge,
      family_id: newId(),
      expires_at: now + CODE_TTL_MS,
      created_at: now,
    });
    return code;
  }

  async exchangeCode(client: OAuthClient, code: unknown, redirectUri: unknown, verifier: unknown): Promise<TokenResponse> {
    if (typeof code !== 'string' || !code) throw new OAuthError('invalid_request', 'code is required');
    const row = await this.db('oauth_codes').where({ code_hash: hashSecret(code) }).first();
    if (!row || row.client_id !== client.id) throw new OAuthError('invalid_grant', 'the authorization code is invalid');
    if (row.used_at !== null && row.used_at !== undefined) {
      await this.revokeFamily(row.family_id as string, 'authorization code replayed');
      throw new OAuthError('invalid_grant', 'the authorization code was already used');
    }
    if (Number(row.expires_at) < Date.now()) throw new OAuthError('invalid_grant', 'the authorization code has expired');
    if (redirectUri !== row.redirect_uri) throw new OAuthError('invalid_grant', 'redirect_uri does not match the one used to get the code');
    if (!isValidVerifier(verifier)) throw new OAuthError('invalid_request', 'code_verifier is required (43-128 characters of [A-Za-z0-9-._~])');
    if (s256(verifier) !== row.code_challenge) throw new OAuthError('invalid_grant', 'code_verifier does not match the code challenge');
    // The code is spent by whoever flips used_at first; a concurrent second exchange finds it spent.
    const spent = await this.db('oauth_codes').where({ code_hash: row.code_hash, used_at: null }).update({ used_at: Date.now() });
    if (spent !== 1) throw new OAuthError('invalid_grant', 'the authorization code was already used');
    return this.issuePair({ clientId: client.id, userId: row.user_id as string, scopes: JSON.parse(row.scopes as string) as string[], familyId: row.family_id as string, refresh: true });
  }

  async clientCredentials(client: OAuthClient, scope: unknown): Promise<TokenResponse> {
    if (client.type !== 'confidential') throw new OAuthError('unauthorized_client', 'client_credentials is for confidential clients');
    return this.issuePair({ clientId: client.id, userId: null, scopes: grantedScopes(scope, client.scopes), familyId: newId(), refresh: false });
  }

  async refresh(client: OAuthClient, refreshToken: unknown, scope: unknown): Promise<TokenResponse> {
    if (typeof refreshToken !== 'string' || !refreshToken.startsWith(REFRESH_TOKEN_PREFIX)) throw new OAuthError('invalid_grant', 'the refresh token is invalid');
    const row = (await this.db('oauth_tokens').where({ token_hash: hashSecret(refreshToken), kind: 'refresh' }).first()) as TokenRow | undefined;
    if (!row || row.client_id !== client.id) throw new OAuthError('invalid_grant', 'the refresh token is invalid');
    if (row.revoked_at !== null) throw new OAuthError('invalid_grant', 'the refresh token was revoked');
    if (row.rotated_at !== null) {
      await this.revokeFamily(row.family_id, 'refresh token reused');
      throw new OAuthError('invalid_grant', 'the refresh token was already used; every token of this grant is now revoked');
    }
    if (Number(row.expires_at) < Date.now() || (await this.familyRevoked(row.family_id))) throw new OAuthError('invalid_grant', 'the refresh token has expired or was revoked');
    const scopes = grantedScopes(scope, JSON.parse(row.scopes) as string[]);
    const rotated = await this.db('oauth_tokens').where({ id: row.id, rotated_at: null, revoked_at: null }).update({ rotated_at: Date.now() });
    if (rotated !== 1) {
      await this.revokeFamily(row.family_id, 'refresh token reused');
      throw new OAuthError('invalid_grant', 'the refresh token was already used; every token of this grant is now revoked');
    }
    return this.issuePair({ clientId: client.id, userId: row.user_id, scopes, familyId: row.family_id, refresh: true });
  }

  /** RFC 7009: a client revokes its own token; a refresh token takes its family with it. Unknown tokens are fine. */
  async revoke(client: OAuthClient, token: string): Promise<void> {
    const row = (await this.db('oauth_tokens').where({ token_hash: hashSecret(token) }).first()) as TokenRow | undefined;
    if (!row || row.client_id !== client.id) return;
    if (row.kind === 'refresh') await this.revokeFamily(row.family_id, 'revoked by the client', client.id);
    else await this.db('oauth_tokens').where({ id: row.id, revoked_at: null }).update({ revoked_at: Date.now() });
  }

  /** The token if it is live: known, unrevoked, unexpired (and not an exchanged refresh token). */
  async lookup(token: string): Promise<ActiveToken | undefined> {
    if (!token.startsWith(ACCESS_TOKEN_PREFIX) && !token.startsWith(REFRESH_TOKEN_PREFIX)) return undefined;
    const row = (await this.db('oauth_tokens').where({ token_hash: hashSecret(token) }).first()) as TokenRow | undefined;
    if (!row || row.revoked_at !== null || row.rotated_at !== null || Number(row.expires_at) <= Date.now()) return undefined;
    if (await this.familyRevoked(row.family_id)) return undefined;
    return { id: row.id, kind: row.kind, clientId: row.client_id, userId: row.user_id, scopes: JSON.parse(row.scopes) as string[], expiresAt: Number(row.expires_at), issuedAt: Number(row.created_at) };
  }

  /**
   * Refresh tokens are only ever revoked with their whole family, so one revoked refresh token marks
   * the family. Checking it also covers a pair issued in the instant a concurrent replay revoked the family.
   */
  private async familyRevoked(familyId: string): Promise<boolean> {
    const hit = await this.db('oauth_tokens').where({ family_id: familyId, kind: 'refresh' }).whereNotNull('revoked_at').first('id');
    return hit !== undefined;
  }

  private async revokeFamily(familyId: string, reason: string, clientId?: string): Promise<void> {
    const n = await this.db('oauth_tokens').where({ family_id: familyId, revoked_at: null }).update({ revoked_at: Date.now() });
    await this.audit.recordQuietly({ actor: clientId ? { type: 'oauth_client', id: clientId } : SYSTEM_ACTOR, action: 'oauth.token.family_revoke', target: { type: 'oauth_token_family', id: familyId }, outcome: 'success', details: { reason, tokens: n } });
  }

  private async issuePair(input: { clientId: string; userId: string | null; scopes: string[]; familyId: string; refresh: boolean }): Promise<TokenResponse> {
    const now = Date.now();
    const access = newSecret(ACCESS_TOKEN_PREFIX);
    const rows: Array<Record<string, unknown>> = [
      { id: newId(), token_hash: hashSecret(access), kind: 'access', client_id: input.clientId, user_id: input.userId, scopes: JSON.stringify(input.scopes), family_id: input.familyId, expires_at: now + ACCESS_TOKEN_TTL_MS, created_at: now },
    ];
    const refresh = input.refresh ? newSecret(REFRESH_TOKEN_PREFIX) : undefined;
    if (refresh) rows.push({ ...rows[0], id: newId(), token_hash: hashSecret(refresh), kind: 'refresh', expires_at: now + REFRESH_TOKEN_TTL_MS });
    await this.db('oauth_tokens').insert(rows);
    return { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_MS / 1000, scope: input.scopes.join(' '), ...(refresh ? { refresh_token: refresh } : {}) };
  }
}
