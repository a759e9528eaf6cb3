import express, { Router } from 'express';
import { errors } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';
import type { AuthChain } from '../../auth/auth-chain';
import { presentedToken } from '../../auth/credentials-from-request';
import type { Identity } from '../../identity';
import { actorFromPrincipal, auditContext } from '../../identity/audit/context';
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from '../../identity/cookies';
import { CSRF_HEADER, csrfTokenFor, csrfTokenMatches } from '../../identity/csrf';
import { LoginThrottle } from '../../identity/login-throttle';
import { PASSWORD_MAX_LENGTH } from '../../identity/passwords';
import { normalizeEmail } from '../../identity/users';
import { compileValidator } from '../../validation/validate';
import { toAuthRequest } from '../authenticate';
import { isEmail, principalOf, startSession, userView } from './identity-http';

const validateLogin = compileValidator<{ email: string; password: string }>({
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: { email: { type: 'string', minLength: 1, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH } },
});

const validateSetup = compileValidator<{ token?: string; email: string; password: string; name?: string }>({
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    token: { type: 'string', maxLength: 200 },
    email: { type: 'string', minLength: 3, maxLength: 320 },
    password: { type: 'string', maxLength: PASSWORD_MAX_LENGTH },
    name: { type: 'string', maxLength: 200 },
  },
});

const validatePasswordChange = compileValidator<{ currentPassword: string; newPassword: string }>({
  type: 'object',
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
  properties: { currentPassword: { type: 'string', maxLength: PASSWORD_MAX_LENGTH }, newPassword: { type: 'string', maxLength: PASSWORD_MAX_LENGTH } },
});

const csrfRefusal = () => errors.forbidden(`This request needs the session's CSRF token in the ${CSRF_HEADER} header.`, 'csrf_token_invalid');

export interface AuthRouteDeps {
  identity: Identity;
  auth: AuthChain;
  logger: Logger;
}

/** Routes reachable without signing in: first-run setup, sign-in, sign-out. Mounted before authentication. */
export function publicAuthRoutes({ identity, auth, logger }: AuthRouteDeps): Router {
  const r = Router();
  const json = express.json({ limit: '16kb' });

  r.get('/setup', async (_req, res) => {
    res.json({ required: await identity.setup.required() });
  });

  r.post('/setup', json, async (req, res) => {
    const body = validateSetup(req.body);
    if (!isEmail(body.email.trim())) throw errors.invalidRequest('Invalid value for \'email\': must be an email address.', 'email', 'invalid_value');
    // Automation may finish setup with the admin key instead of the printed token.
    const bearer = presentedToken(toAuthRequest(req)) !== undefined;
    const principal = bearer ? await auth.authenticate(toAuthRequest(req)) : undefined;
    const trusted = principal?.method === 'admin-key';
    if (bearer && !trusted) throw errors.forbidden('Only the admin key or the setup token can complete setup.', 'setup_not_allowed');
    const owner = await identity.setup.complete(body, trusted);
    const ctx = { ip: req.ip ?? null, requestId: res.locals.requestId };
    await identity.audit.record({
      ...ctx,
      action: 'setup.complete',
      actor: trusted ? actorFromPrincipal(principal) : { type: 'setup_token' },
      target: { type: 'user', id: owner.id, label: owner.email },
      details: { after: userView(owner), via: trusted ? 'admin_key' : 'setup_token' },
    });
    if (trusted) return void res.status(201).json({ user: userView(owner), csrfToken: null, expiresAt: null });
    const session = await startSession(identity, req, res, owner);
    await identity.audit.record({ ...ctx, action: 'auth.login', actor: { type: 'user', id: owner.id, label: owner.email, credentialId: session.sessionId }, target: { type: 'user', id: owner.id, label: owner.email } });
    res.status(201).json({ user: userView(owner), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  r.post('/auth/login', json, async (req, res) => {
    const body = validateLogin(req.body);
    const ip = req.ip ?? '';
    const keys = [LoginThrottle.accountKey(body.email), LoginThrottle.ipKey(ip)];
    const verdict = identity.throttle.check(keys);
    if (!verdict.allowed) {
      // Not audited one by one: under attack that would flood the log; the failures that led here are.
      logger.warn({ ip, requestId: res.locals.requestId }, 'sign-in throttled');
      throw errors.rateLimited('Too many failed sign-in attempts. Try again later.', verdict.retryAfterMs, 'login_throttled');
    }
    const user = await identity.users.verifyCredentials(body.email, body.password);
    if (!user) {
      identity.throttle.failure(keys);
      const known = await identity.users.getByEmail(body.email);
      const email = normalizeEmail(body.email);
      await identity.audit.record({
        action: 'auth.login.failure',
        outcome: 'failure',
        actor: { type: 'anonymous' },
        ip,
        requestId: res.locals.requestId,
        // The attempted name is kept only when it looks like an email: people do type passwords into the wrong field.
        target: { type: 'user', id: known?.id ?? null, label: known ? known.email : isEmail(email) ? email : null },
        details: { reason: known?.disabled ? 'user_disabled' : known ? 'wrong_password' : 'unknown_user' },
      });
      throw errors.unauthorized('Incorrect email or password.', 'invalid_credentials');
    }
    identity.throttle.success([keys[0]]);
    const session = await startSession(identity, req, res, user);
    await identity.audit.record({
      action: 'auth.login',
      actor: { type: 'user', id: user.id, label: user.email, credentialId: session.sessionId },
      ip,
      requestId: res.locals.requestId,
      target: { type: 'user', id: user.id, label: user.email },
    });
    res.json({ user: userView(user), csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  r.post('/auth/logout', async (req, res) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const session = token ? await identity.sessions.resolve(token) : undefined;
    if (token && session) {
      // Another site must not be able to sign the user out either.
      if (!csrfTokenMatches(token, req.headers[CSRF_HEADER])) throw csrfRefusal();
      await identity.sessions.destroy(token);
      await identity.audit.record({
        action: 'auth.logout',
        actor: { type: 'user', id: session.userId, label: session.email, credentialId: session.sessionId },
        ip: req.ip ?? null,
        requestId: res.locals.requestId,
        target: { type: 'user', id: session.userId, label: session.email },
      });
    }
    res.append('Set-Cookie', clearedSessionCookie(req.secure));
    res.status(204).end();
  });

  return r;
}

/** The signed-in caller's own account. Mounted after authentication. */
export function accountRoutes({ identity }: { identity: Identity }): Router {
  const r = Router();
  const json = express.json({ limit: '16kb' });

  r.get('/auth/me', async (req, res) => {
    const p = principalOf(res);
    const user = p.userId ? await identity.users.get(p.userId) : undefined;
    const cookie = p.method === 'session' ? readCookie(req.headers.cookie, SESSION_COOKIE) : undefined;
    res.json({
      user: user ? userView(user) : null,
      principal: { method: p.method, id: p.id, role: p.role ?? null, scopes: p.scopes },
      csrfToken: cookie ? csrfTokenFor(cookie) : null,
    });
  });

  r.post('/auth/password', json, async (req, res) => {
    const p = principalOf(res);
    const body = validatePasswordChange(req.body);
    if (!p.userId) throw errors.invalidRequest('Only a user can change their password; this credential belongs to no user.', null, 'not_a_user');
    const user = await identity.users.get(p.userId);
    if (!user) throw errors.unauthorized();
    const keys = [LoginThrottle.accountKey(user.email)];
    const verdict = identity.throttle.check(keys);
    if (!verdict.allowed) throw errors.rateLimited('Too many failed attempts. Try again later.', verdict.retryAfterMs, 'login_throttled');
    if (!(await identity.users.verifyCredentials(user.email, body.currentPassword))) {
      identity.throttle.failure(keys);
      await identity.audit.record({ ...auditContext(req, res), action: 'user.password.change', outcome: 'failure', target: { type: 'user', id: user.id, label: user.email }, details: { reason: 'wrong_current_password' } });
      throw errors.invalidRequest('The current password is not correct.', 'currentPassword', 'invalid_current_password');
    }
    await identity.users.setPassword(user.id, body.newPassword);
    // Other sessions of this user end; the one making the change stays signed in.
    const ended = await identity.sessions.destroyForUser(user.id, p.method === 'session' ? p.id : undefined);
    await identity.audit.record({ ...auditContext(req, res), action: 'user.password.change', target: { type: 'user', id: user.id, label: user.email }, details: { otherSessionsEnded: ended } });
    res.status(204).end();
  });

  return r;
}
