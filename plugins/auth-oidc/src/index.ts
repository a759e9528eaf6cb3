import { defineAuthPlugin, type AuthRequest, type AuthResult, type GatewayErrorInfo, type Principal } from '@switchyard/plugin-kit';
import { JwksCache } from './jwks';
import { JwtError, looksLikeJwt, unverifiedClaims, verifyJwt } from './jwt';
import { mappedRole, resolveSettings, settingsSchema, type ResolvedOidcSettings, type Role } from './settings';
import { isUsersService, type OidcUsersService } from './users';

export { resolveSettings, settingsSchema, mappedRole } from './settings';
export { JwksCache } from './jwks';
export { verifyJwt, JwtError } from './jwt';

const refusal = (status: number, code: string, message: string): AuthResult => {
  const type = status === 403 ? 'permission_error' : status >= 500 ? 'upstream_error' : 'authentication_error';
  const error: GatewayErrorInfo = { status, type, code, message, retryable: status >= 500 };
  return { outcome: 'deny', error };
};

/** Endpoint scopes by role, as for console users: viewers list models, everyone else calls the API. */
const scopesFor = (role: Role) => (role === 'viewer' ? ['models'] : ['chat', 'embeddings', 'images', 'models']);

function bearer(req: AuthRequest): string | undefined {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return m ? m[1].trim() : undefined;
}

/**
 * Maps verified claims to a gateway user. Existing users keep the role the console gave them;
 * roleMapping decides the role of users created here (autoProvision).
 */
async function principalFor(claims: Record<string, unknown>, settings: ResolvedOidcSettings, users: OidcUsersService): Promise<AuthResult> {
  const email = claims[settings.emailClaim];
  const subject = claims[settings.subjectClaim];
  if (typeof email !== 'string' || !email.includes('@') || typeof subject !== 'string') return refusal(401, 'oidc_claims_missing', `The token lacks the ${settings.emailClaim} or ${settings.subjectClaim} claim.`);
  if (settings.emailClaim === 'email' && claims.email_verified === false) return refusal(403, 'oidc_email_unverified', 'The identity provider has not verified this email address.');
  let user = await users.getByEmail(email);
  if (!user) {
    if (!settings.autoProvision) return refusal(403, 'oidc_user_unknown', 'No gateway user has this email; ask an admin to add you.');
    const name = typeof claims.name === 'string' ? claims.name : undefined;
    try {
      user = await users.create({ email, name, role: mappedRole(claims, settings) });
    } catch {
      user = await users.getByEmail(email); // created by a concurrent request
      if (!user) throw new Error('could not provision the OIDC user');
    }
  }
  if (user.disabled) return refusal(401, 'oidc_user_disabled', 'This user is disabled.');
  const principal: Principal = {
    method: 'oidc',
    id: `oidc:${subject}`,
    userId: user.id,
    role: user.role,
    scopes: scopesFor(user.role),
    attributes: { email: user.email, oidcSubject: subject, oidcIssuer: settings.issuer },
  };
  return { outcome: 'ok', principal };
}

export default defineAuthPlugin({
  manifest: {
    id: 'oidc',
    kind: 'auth',
    version: '0.1.0',
    hostRange: '^0.1.0',
    name: 'OpenID Connect bearer tokens',
    description: "Accepts JWTs from an external OpenID Connect provider (RS256/ES256, verified against the provider's JWKS) and maps them to gateway users.",
    settingsSchema,
  },
  createAuth(rawSettings, ctx) {
    const settings = resolveSettings(rawSettings);
    const users = ctx.services.users;
    if (!isUsersService(users)) throw new Error('the host offers no users service (ctx.services.users)');
    const jwks = new JwksCache(settings.issuer, settings.jwksUri, settings.jwksRefetchIntervalMs);
    return {
      async authenticate(req: AuthRequest): Promise<AuthResult> {
        const token = bearer(req);
        if (token === undefined || !looksLikeJwt(token)) return { outcome: 'skip' };
        // Another provider's token is another method's business (several OIDC plugins can be chained).
        if (unverifiedClaims(token)?.iss !== settings.issuer) return { outcome: 'skip' };
        let claims: Record<string, unknown>;
        try {
          claims = await verifyJwt(token, jwks, settings);
        } catch (err) {
          if (err instanceof JwtError) return refusal(401, 'invalid_id_token', `The bearer token was refused: ${err.message}.`);
          ctx.logger.warn({ err: (err as Error).message }, 'oidc: could not load the provider keys');
          return refusal(503, 'oidc_provider_unavailable', 'The identity provider could not be reached to check this token.');
        }
        return principalFor(claims, settings, users);
      },
    };
  },
});
