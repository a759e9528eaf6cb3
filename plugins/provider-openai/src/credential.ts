import { GatewayError } from '@switchyard/plugin-kit';

/** The credential's API key, or a clear configuration error (the router may fall back elsewhere). */
export function requireApiKey(credential: Record<string, string>, provider: string): string {
  const apiKey = credential.apiKey;
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  throw new GatewayError({
    status: 500,
    type: 'server_error',
    code: 'provider_misconfigured',
    message: `${provider}: the credential has no apiKey`,
    retryable: true,
  });
}
