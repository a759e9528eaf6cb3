import { createHash, randomBytes } from 'node:crypto';
import { safeEqual } from '../identity/secrets';

/** Prefixes tell the auth chain which method a bearer token belongs to, and make leaks greppable. */
export const ACCESS_TOKEN_PREFIX = 'syat_';
export const REFRESH_TOKEN_PREFIX = 'syrt_';
export const CODE_PREFIX = 'syac_';
export const CLIENT_SECRET_PREFIX = 'sycs_';

/** 32 random bytes behind a prefix. Only the sha256 is stored: the secret is shown once. */
export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, hash: string | null): boolean {
  return hash !== null && safeEqual(hashSecret(secret), hash);
}

/** RFC 7636: the verifier's alphabet and length, and the S256 transform (plain is refused). */
export function isValidVerifier(verifier: unknown): verifier is string {
  return typeof verifier === 'string' && /^[A-Za-z0-9\-._~]{43,128}$/.test(verifier);
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
