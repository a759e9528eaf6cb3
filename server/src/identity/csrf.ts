import { createHash } from 'node:crypto';
import { safeEqual } from './secrets';

export const CSRF_HEADER = 'x-csrf-token';

/**
 * The CSRF token of a session: a one-way function of the session secret. Another site can make a
 * browser send the cookie but cannot read it, nor read our responses (CORS), so it cannot know
 * this value; the console gets it from the login answer or GET /api/auth/me and sends it back in
 * the x-csrf-token header. Deriving it means nothing more to store, and it changes with the session.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`switchyard-csrf\0${sessionToken}`).digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, presented: string | string[] | undefined): boolean {
  return typeof presented === 'string' && presented.length > 0 && safeEqual(presented, csrfTokenFor(sessionToken));
}

/** Methods that change nothing and so need no CSRF token. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}
