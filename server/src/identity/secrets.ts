import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random string with `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a string, one-shot (no Hash object per call: createHash was 1.6% of the plain gateway's CPU at concurrency 32). */
export function sha256Digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Compares two strings in time independent of where they differ (digests first, so lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256Digest(a), sha256Digest(b));
}
