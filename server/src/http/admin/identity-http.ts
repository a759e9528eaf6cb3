import type { Request, Response } from 'express';
import { errors } from '@switchyard/core';
import type { Principal } from '@switchyard/spec';
import type { Identity } from '../../identity';
import { sessionCookie } from '../../identity/cookies';
import { csrfTokenFor } from '../../identity/csrf';
import type { User } from '../../identity/users';

/** A user as the admin API shows it. */
export function userView(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    disabled: user.disabled,
    hasPassword: user.hasPassword,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    lastLoginAt: user.lastLoginAt,
    passwordChangedAt: user.passwordChangedAt,
  };
}

/** Signs a user in: a new server-side session, its cookie, and the CSRF token the console must echo. */
export async function startSession(identity: Identity, req: Request, res: Response, user: User): Promise<{ sessionId: string; csrfToken: string; expiresAt: number }> {
  const { token, session } = await identity.sessions.create(user.id, { ip: req.ip, userAgent: req.get('user-agent') });
  res.append('Set-Cookie', sessionCookie(token, { maxAgeMs: identity.sessions.ttlMs, secure: req.secure }));
  await identity.users.recordLogin(user.id);
  return { sessionId: session.id, csrfToken: csrfTokenFor(token), expiresAt: session.expiresAt };
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal;
  if (!p) throw errors.unauthorized();
  return p;
}

export const param = (req: Request, name: string) => String(req.params[name]);

/** A loose email check: something@something, no spaces, within the column size. */
export function isEmail(value: string): boolean {
  return value.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(value);
}
