import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { readCookie, SESSION_COOKIE } from '../identity/cookies';
import { csrfTokenFor, csrfTokenMatches } from '../identity/csrf';
import type { SessionService } from '../identity/sessions';
import { checkAuthorizationRequest, queryParams, RedirectableError, redirectTo, type AuthorizationRequest } from './authorize';
import { authenticateClient } from './client-auth';
import { OAUTH_SCOPES, type ClientStore } from './clients';
import { consentPage } from './consent-page';
import type { GrantService } from './grants';
import { OAuthError, sendOAuthError } from './oauth-error';

export interface OAuthEndpointDeps {
  clients: ClientStore;
  grants: GrantService;
  sessions: SessionService;
}

/** The issuer: this server's origin as the client reached it (honours `trust proxy`). */
export function issuerOf(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}

type Handler = (req: Request, res: Response) => Promise<void>;

/** OAuthError → RFC 6749 JSON; a redirectable authorization error → back to the client; anything else → the error handler. */
const handle = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  fn(req, res).catch((err: unknown) => {
    if (err instanceof RedirectableError) return res.redirect(302, redirectTo(err.redirectUri, { error: err.error, error_description: err.description, state: err.state, iss: issuerOf(req) }));
    if (err instanceof OAuthError) return sendOAuthError(res, err);
    next(err);
  });
};

const form = express.urlencoded({ extended: false, limit: '16kb' });

/**
 * /oauth/authorize (code + PKCE S256, using the console session), /oauth/token, /oauth/revoke
 * (RFC 7009), /oauth/introspect (RFC 7662) and /.well-known/oauth-authorization-server (RFC 8414).
 */
export function oauthEndpoints(deps: OAuthEndpointDeps): Router {
  const router = Router();

  router.get('/.well-known/oauth-authorization-server', (req, res) => {
    const issuer = issuerOf(req);
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [...OAUTH_SCOPES],
      authorization_response_iss_parameter_supported: true,
    });
  });

  const authorize = (consented: boolean) =>
    handle(async (req, res) => {
      const request: AuthorizationRequest = await checkAuthorizationRequest(queryParams(req), deps.clients);
      const sessionToken = readCookie(req.headers.cookie, SESSION_COOKIE);
      const session = sessionToken ? await deps.sessions.resolve(sessionToken) : undefined;
      if (!session || !sessionToken) {
        // Sign in to the console first, then come back here.
        if (req.method !== 'GET') throw new OAuthError('access_denied', 'sign in to the console first', 401);
        return res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      if (consented) {
        const body = req.body as Record<string, unknown>;
        if (!csrfTokenMatches(sessionToken, body.csrf_token as string | undefined)) throw new OAuthError('invalid_request', 'the consent form is stale; start again', 403);
        if (body.decision !== 'approve') throw new RedirectableError(request.redirectUri, request.state, 'access_denied', 'the user denied the request');
      } else if (!request.client.firstParty) {
        res.setHeader('Cache-Control', 'no-store');
        // Browsers apply form-action to the redirect that follows the post, so the client's origin is allowed too.
        res.setHeader('Content-Security-Policy', `default-src 'none'; form-action 'self' ${new URL(request.redirectUri).origin}; frame-ancestors 'none'`);
        res.type('html').send(consentPage(request, session.email, csrfTokenFor(sessionToken)));
        return;
      }
      const code = await deps.grants.issueCode({ client: request.client, userId: session.userId, redirectUri: request.redirectUri, scopes: request.scopes, codeChallenge: request.codeChallenge });
      res.redirect(302, redirectTo(request.redirectUri, { code, state: request.state, iss: issuerOf(req) }));
    });
  router.get('/oauth/authorize', authorize(false));
  router.post('/oauth/authorize', form, authorize(true));

  router.post(
    '/oauth/token',
    form,
    handle(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const client = await authenticateClient(req, deps.clients);
      let tokens;
      switch (body.grant_type) {
        case 'authorization_code':
          tokens = await deps.grants.exchangeCode(client, body.code, body.redirect_uri, body.code_verifier);
          break;
        case 'client_credentials':
          tokens = await deps.grants.clientCredentials(client, body.scope);
          break;
        case 'refresh_token':
          tokens = await deps.grants.refresh(client, body.refresh_token, body.scope);
          break;
        default:
          throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code, client_credentials or refresh_token');
      }
      res.setHeader('Cache-Control', 'no-store');
      res.json(tokens);
    }),
  );

  router.post(
    '/oauth/revoke',
    form,
    handle(async (req, res) => {
      const client = await authenticateClient(req, deps.clients);
      const token = (req.body as Record<string, unknown>).token;
      if (typeof token !== 'string' || !token) throw new OAuthError('invalid_request', 'token is required');
      await deps.grants.revoke(client, token);
      res.status(200).end();
    }),
  );

  router.post(
    '/oauth/introspect',
    form,
    handle(async (req, res) => {
      const client = await authenticateClient(req, deps.clients, { requireSecret: true });
      const token = (req.body as Record<string, unknown>).token;
      if (typeof token !== 'string' || !token) throw new OAuthError('invalid_request', 'token is required');
      const found = await deps.grants.lookup(token);
      res.setHeader('Cache-Control', 'no-store');
      // A client learns only about its own tokens.
      if (!found || found.clientId !== client.id) return void res.json({ active: false });
      res.json({
        active: true,
        scope: found.scopes.join(' '),
        client_id: found.clientId,
        token_type: found.kind === 'access' ? 'Bearer' : 'refresh_token',
        exp: Math.floor(found.expiresAt / 1000),
        iat: Math.floor(found.issuedAt / 1000),
        iss: issuerOf(req),
        ...(found.userId ? { sub: found.userId } : {}),
      });
    }),
  );

  return router;
}
