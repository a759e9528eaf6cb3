import { timingSafeEqual } from 'node:crypto';
import type { AuthMethod, AuthRequest, AuthResult } from '@switchyard/spec';
import { sha256Digest } from '../identity/secrets';
import { presentedToken } from './credentials-from-request';

/** SWITCHYARD_ADMIN_KEY: a bearer key with every right, for automation and first set-up. */
export function adminKeyAuth(adminKey: string): AuthMethod {
  const expected = sha256Digest(adminKey);
  const result: AuthResult = { outcome: 'ok', principal: { method: 'admin-key', id: 'admin-key', role: 'owner', scopes: ['*'] } };
  return {
    async authenticate(req: AuthRequest): Promise<AuthResult> {
      const token = presentedToken(req);
      // Compare digests so the comparison takes the same time whatever the length.
      if (token !== undefined && timingSafeEqual(sha256Digest(token), expected)) return result;
      return { outcome: 'skip' };
    },
  };
}
