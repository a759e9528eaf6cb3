import { defineAuthPlugin, type AuthRequest, type AuthResult, type GatewayErrorInfo } from '@switchyard/plugin-kit';
import { isApiKeysService, type KeyVerification } from './service';

export type { ApiKeysService, KeyVerification } from './service';

/** Keys this plugin issues start with this; anything else is another method's business. */
const KEY_PREFIX = 'sy-';

/** `Authorization: Bearer`, `x-api-key` (Anthropic SDKs) or `api-key` (Azure OpenAI clients). */
function presentedKey(req: AuthRequest): string | undefined {
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

const refusal = (code: string, message: string): AuthResult => {
  const error: GatewayErrorInfo = { status: 401, type: 'authentication_error', code, message, retryable: false };
  return { outcome: 'deny', error };
};

// Messages never repeat the key, not even in part.
const INCORRECT = refusal('invalid_api_key', 'Incorrect API key provided. You can find your API keys in the Switchyard console under Keys.');

export function resultOf(verification: KeyVerification): AuthResult {
  switch (verification.status) {
    case 'ok':
      return { outcome: 'ok', principal: verification.principal };
    case 'revoked':
      return refusal('api_key_revoked', 'This API key has been revoked.');
    case 'expired':
      return refusal('api_key_expired', 'This API key has expired.');
    case 'owner_disabled':
      return refusal('api_key_owner_disabled', 'The user this API key belongs to is disabled.');
    case 'malformed':
    case 'unknown':
      return INCORRECT;
  }
}

export default defineAuthPlugin({
  manifest: {
    id: 'api-key',
    kind: 'auth',
    version: '0.1.0',
    hostRange: '^0.1.0',
    name: 'API keys',
    description: 'Keys issued in the console (sy-...), with scopes, model and pipeline allow-lists, limits and expiry. Revocation takes effect at once.',
    settingsSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
  createAuth(_settings, ctx) {
    const keys = ctx.services.apiKeys;
    if (!isApiKeysService(keys)) throw new Error('the host offers no apiKeys service (ctx.services.apiKeys)');
    return {
      async authenticate(req: AuthRequest): Promise<AuthResult> {
        const key = presentedKey(req);
        if (key === undefined || !key.startsWith(KEY_PREFIX)) return { outcome: 'skip' };
        return resultOf(await keys.verify(key));
      },
    };
  },
});
