import { createHash } from 'node:crypto';
import type Anthropic from '@anthropic-ai/sdk';
import { errorFromHttpStatus } from '@switchyard/plugin-kit';
import { PROVIDER_NAME } from './errors';
import { loadAnthropicSdk } from './sdk';
import type { AnthropicSettings } from './settings';

/** Reads the API key from a credential, or fails the way an upstream 401 would (the operator's problem). */
export function apiKeyOf(credential: Record<string, string> | undefined): string {
  const key = credential?.apiKey;
  if (typeof key !== 'string' || key.trim() === '') {
    throw errorFromHttpStatus({ status: 401, message: 'the credential has no apiKey.', provider: PROVIDER_NAME, code: 'missing_credential' });
  }
  return key.trim();
}

/**
 * One SDK client per credential, so its connection pool is reused across requests. Keyed by a
 * hash of the key rather than the key itself, and bounded, so rotated keys do not pile up.
 */
export class ClientCache {
  private readonly clients = new Map<string, Anthropic>();

  constructor(
    private readonly settings: AnthropicSettings,
    private readonly maxClients = 64,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** The client for this key; the first call loads the SDK (see sdk.ts). */
  async get(apiKey: string): Promise<Anthropic> {
    const id = createHash('sha256').update(apiKey).digest('base64url');
    const cached = this.clients.get(id);
    if (cached) {
      // Refresh its place so the least recently used client is the one evicted.
      this.clients.delete(id);
      this.clients.set(id, cached);
      return cached;
    }
    const { default: AnthropicClient } = await loadAnthropicSdk();
    // Another call for the same key may have made its client while this one waited for the import.
    const raced = this.clients.get(id);
    if (raced) return raced;
    const client = new AnthropicClient({
      apiKey,
      // Explicit: never pick up ANTHROPIC_AUTH_TOKEN or a local profile from the host's environment.
      authToken: null,
      baseURL: this.settings.baseUrl,
      timeout: this.settings.timeoutMs,
      maxRetries: this.settings.maxRetries,
      defaultHeaders: { 'anthropic-version': this.settings.anthropicVersion },
      // The gateway logs failures itself; the SDK's console output could include request data.
      logLevel: 'off',
    });
    this.clients.set(id, client);
    if (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value as string);
    return client;
  }

  clear(): void {
    this.clients.clear();
  }
}
