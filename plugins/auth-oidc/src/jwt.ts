import { verify as verifySignature } from 'node:crypto';
import type { JwksCache } from './jwks';

export class JwtError extends Error {}

interface Header {
  alg?: unknown;
  kid?: unknown;
  typ?: unknown;
}

const decodeSegment = (s: string): unknown => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

/** A compact JWS: three base64url segments. Anything else is not this plugin's business. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** The payload without checking anything: only to see whose token it is (iss). */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  try {
    const claims = decodeSegment(token.split('.')[1]);
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies signature (RS256 or ES256; the key's type must fit the alg, so no alg confusion and no
 * `none`), issuer, audience, exp and nbf with a small clock skew. Returns the claims.
 */
export async function verifyJwt(token: string, jwks: JwksCache, expect: { issuer: string; audiences: string[]; clockSkewSeconds: number; now?: number }): Promise<Record<string, unknown>> {
  const [h, p, s] = token.split('.');
  let header: Header;
  let claims: Record<string, unknown>;
  try {
    header = decodeSegment(h) as Header;
    claims = decodeSegment(p) as Record<string, unknown>;
  } catch {
    throw new JwtError('the token is not valid JSON');
  }
  if (header.alg !== 'RS256' && header.alg !== 'ES256') throw new JwtError('unsupported signing algorithm');
  const found = await jwks.find(typeof header.kid === 'string' ? header.kid : undefined);
  if (!found) throw new JwtError('the token is signed with an unknown key');
  const wantKty = header.alg === 'RS256' ? 'RSA' : 'EC';
  if (found.jwk.kty !== wantKty || (found.jwk.alg && found.jwk.alg !== header.alg) || (header.alg === 'ES256' && found.jwk.crv !== 'P-256')) {
    throw new JwtError('the signing key does not fit the token algorithm');
  }
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const ok = header.alg === 'RS256' ? verifySignature('sha256', data, found.key, signature) : verifySignature('sha256', data, { key: found.key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new JwtError('bad signature');

  const now = Math.floor((expect.now ?? Date.now()) / 1000);
  const skew = expect.clockSkewSeconds;
  if (claims.iss !== expect.issuer) throw new JwtError('wrong issuer');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && expect.audiences.includes(a))) throw new JwtError('wrong audience');
  if (typeof claims.exp !== 'number') throw new JwtError('the token has no expiry');
  if (claims.exp + skew <= now) throw new JwtError('the token has expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf - skew > now)) throw new JwtError('the token is not valid yet');
  return claims;
}
