import type { AuthRequest } from '@switchyard/spec';

/**
 * The bearer secret a client presented: `Authorization: Bearer <token>` (OpenAI SDKs),
 * `x-api-key` (Anthropic SDKs) or `api-key` (Azure OpenAI clients).
 */
export function presentedToken(req: AuthRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  for (const name of ['x-api-key', 'api-key']) {
    const v = req.headers[name];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return undefined;
}
