import type { Principal } from '@switchyard/plugin-kit';

/** What the host's `apiKeys` service (ctx.services.apiKeys) says about a presented key. */
export type KeyVerification =
  | { status: 'ok'; principal: Principal }
  | { status: 'malformed' }
  | { status: 'unknown' }
  | { status: 'revoked' }
  | { status: 'expired' }
  | { status: 'owner_disabled' };

/**
 * The part of the host's API key service this plugin uses. The host keeps the keys (hashed), the
 * cache and revocation; the plugin decides which requests are its business and how refusals read.
 */
export interface ApiKeysService {
  verify(secret: string): Promise<KeyVerification>;
}

export function isApiKeysService(value: unknown): value is ApiKeysService {
  return typeof value === 'object' && value !== null && typeof (value as ApiKeysService).verify === 'function';
}
