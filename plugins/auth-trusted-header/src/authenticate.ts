import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthRequest, AuthResult, GatewayErrorInfo, Principal } from '@switchyard/plugin-kit';
import type { ResolvedSettings } from './settings';

const METHOD = 'trusted-header';
const MAX_VALUE = 512;

const deny = (status: 401 | 403, code: string, message: string): AuthResult => {
  const error: GatewayErrorInfo = { status, type: status === 401 ? 'authentication_error' : 'permission_error', code, message, retryable: false };
  return { outcome: 'deny', error };
};

/** Compares secrets in constant time (digests first, so lengths do not leak either). */
function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

type HeaderRead = { ok: true; value?: string } | { ok: false };

/** One header's value: absent, one clean value, or unusable (sent twice, too long, control characters). */
function readHeader(req: AuthRequest, name: string): HeaderRead {
  const raw = req.headers[name];
  if (raw === undefined) return { ok: true };
  if (Array.isArray(raw) || raw.length > MAX_VALUE || /[\x00-\x1f\x7f]/.test(raw)) return { ok: false };
  const value = raw.trim();
  return { ok: true, value: value === '' ? undefined : value };
}

/**
 * Turns the identity headers a trusted proxy set into a principal. The proxy proves itself with
 * the shared secret header; identity headers without it are refused rather than skipped, since
 * they can only come from a client trying to pass as someone or a proxy that is misconfigured.
 */
export function authenticateTrustedHeader(req: AuthRequest, s: ResolvedSettings): AuthResult {
  const secret = readHeader(req, s.proxySecretHeader);
  const user = readHeader(req, s.userHeader);
  if (!secret.ok || !user.ok) return deny(401, 'invalid_identity_header', 'The identity headers of this request are malformed.');
  if (secret.value === undefined && user.value === undefined) return { outcome: 'skip' };
  if (secret.value === undefined || !sameSecret(secret.value, s.proxySecret)) {
    return deny(401, 'untrusted_identity_header', 'Identity headers are only accepted from the trusted proxy.');
  }
  if (user.value === undefined) return deny(401, 'missing_identity_header', `The trusted proxy did not say who the user is (${s.userHeader}).`);

  const email = readHeader(req, s.emailHeader);
  const groupsRaw = readHeader(req, s.groupsHeader);
  const groups = groupsRaw.ok && groupsRaw.value ? groupsRaw.value.split(',').map((g) => g.trim()).filter(Boolean) : [];
  if (s.allowedGroups.length > 0 && !groups.some((g) => s.allowedGroups.includes(g))) {
    return deny(403, 'group_not_allowed', 'Your account is not in a group allowed to use this gateway.');
  }
  const admin = groups.some((g) => s.adminGroups.includes(g));
  const principal: Principal = {
    method: METHOD,
    id: `${METHOD}:${user.value}`,
    scopes: admin ? [...new Set([...s.scopes, 'admin'])] : [...s.scopes],
    attributes: { user: user.value, groups, ...(email.ok && email.value ? { email: email.value } : {}) },
  };
  if (admin) principal.role = 'admin';
  return { outcome: 'ok', principal };
}
