import { defineAuthPlugin, type AuthRequest, type AuthResult, type GatewayErrorInfo, type Principal } from '@switchyard/plugin-kit';

/** Access tokens of the gateway's OAuth server start with this; other bearer tokens are another method's business. */
const TOKEN_PREFIX = 'syat_';

/** The part of the host's OAuth service (ctx.services.oauth) this plugin uses. */
export interface OAuthAccessTokenService {
  verify(token: string): Promise<{ status: 'ok'; principal: Principal } | { status: 'invalid' } | { status: 'owner_disabled' }>;
}

function isService(value: unknown): value is OAuthAccessTokenService {
  return typeof value === 'object' && value !== null && typeof (value as OAuthAccessTokenService).verify === 'function';
}

function bearer(req: AuthRequest): string | undefined {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return m ? m[1].trim() : undefined;
}

const refusal = (code: string, message: string): AuthResult => {
  const error: GatewayErrorInfo = { status: 401, type: 'authentication_error', code, message, retryable: false };
  return { outcome: 'deny', error };
};

export default defineAuthPlugin({
  manifest: {
    id: 'oauth',
    kind: 'auth',
    version: '0.1.0',
    hostRange: '^0.1.0',
    name: 'OAuth 2.0 access tokens',
    description: "Bearer access tokens issued by the gateway's own OAuth 2.0 authorization server (/oauth/token). Revocation takes effect at once.",
    settingsSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  createAuth(_settings, ctx) {
    const oauth = ctx.services.oauth;
    if (!isService(oauth)) throw new Error('the host offers no oauth service (ctx.services.oauth)');
    return {
      async authenticate(req: AuthRequest): Promise<AuthResult> {
        const token = bearer(req);
        if (token === undefined || !token.startsWith(TOKEN_PREFIX)) return { outcome: 'skip' };
        const result = await oauth.verify(token);
        if (result.status === 'ok') return { outcome: 'ok', principal: result.principal };
        if (result.status === 'owner_disabled') return refusal('oauth_token_owner_disabled', 'The user this access token belongs to is disabled.');
        // Never echo the token, not even in part.
        return refusal('invalid_access_token', 'The access token is invalid, expired or revoked.');
      },
    };
  },
});
