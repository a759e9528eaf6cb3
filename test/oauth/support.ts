import { createHash, randomBytes } from 'node:crypto';
import type { SecurityGateway } from '../security/support';

export const REDIRECT = 'http://127.0.0.1:9/callback';

/** A PKCE pair: a random verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A form-encoded POST, as OAuth clients send them; `basic` adds client_secret_basic. */
export async function postForm(gw: SecurityGateway, path: string, fields: Record<string, string | undefined>, basic?: { id: string; secret: string }, cookie?: string) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) body.set(k, v);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  if (cookie) headers.cookie = cookie;
  return gw.call('POST', path, { headers, raw: body.toString() });
}

export function authorizeUrl(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `/oauth/authorize?${q.toString()}`;
}

/** The query of a redirect's Location. */
export function redirectParams(location: string | null): URLSearchParams {
  if (!location) throw new Error('no Location header');
  return new URL(location, 'http://placeholder').searchParams;
}
