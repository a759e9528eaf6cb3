import type { AuthMethod, AuthRequest, AuthResult, Principal } from '@switchyard/spec';
import { presentedToken } from '../auth/credentials-from-request';
import { readCookie, SESSION_COOKIE } from './cookies';
import { CSRF_HEADER, csrfTokenMatches, isSafeMethod } from './csrf';
import type { Role } from './roles';
import type { SessionService } from './sessions';

/** Endpoint scopes of a console user: viewers read, everyone else may also call /v1 (the playground). */
export function sessionScopes(role: Role): string[] {
  return role === 'viewer' ? ['models', 'admin'] : ['*'];
}

/**
 * The console's session cookie as an auth method (last in the chain). It is considered only when no
 * bearer key is presented, so a key always means the key. State-changing requests must carry the
 * session's CSRF token in x-csrf-token: a cookie is sent by the browser on its own, the header is not.
 */
export function sessionAuth(sessions: SessionService): AuthMethod {
  return {
    async authenticate(req: AuthRequest): Promise<AuthResult> {
      if (presentedToken(req) !== undefined) return { outcome: 'skip' };
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!token) return { outcome: 'skip' };
      const session = await sessions.resolve(token);
      if (!session) {
        return { outcome: 'deny', error: { status: 401, type: 'authentication_error', code: 'session_expired', message: 'Your session has expired or was ended. Sign in again.', retryable: false } };
      }
      if (!isSafeMethod(req.method.toUpperCase()) && !csrfTokenMatches(token, req.headers[CSRF_HEADER])) {
        return {
          outcome: 'deny',
          error: { status: 403, type: 'permission_error', code: 'csrf_token_invalid', message: `This request needs the session's CSRF token in the ${CSRF_HEADER} header.`, retryable: false },
        };
      }
      const principal: Principal = {
        method: 'session',
        id: session.sessionId,
        userId: session.userId,
        role: session.role,
        scopes: sessionScopes(session.role),
        attributes: { email: session.email },
      };
      return { outcome: 'ok', principal };
    },
  };
}
