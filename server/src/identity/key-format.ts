import { randomToken } from './secrets';

export const KEY_PREFIX = 'sy-';
/** Characters shown of a key after it is created: enough to tell keys apart, far too few to guess the rest. */
const VISIBLE = KEY_PREFIX.length + 6;
const SHAPE = /^sy-[A-Za-z0-9_-]{43}$/;

/** A new API key: `sy-` and 32 random bytes (256 bits) in base64url. */
export function generateApiKey(): { secret: string; prefix: string } {
  const secret = KEY_PREFIX + randomToken(32);
  return { secret, prefix: secret.slice(0, VISIBLE) };
}

export function isWellFormedApiKey(token: string): boolean {
  return SHAPE.test(token);
}

/** How the console and listings show a key: its prefix and an ellipsis. */
export function displayKey(prefix: string): string {
  return `${prefix}…`;
}
