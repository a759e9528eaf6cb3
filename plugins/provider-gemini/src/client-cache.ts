import { createHash } from 'node:crypto';
import type { GoogleGenAI } from '@google/genai';
import { GatewayError } from '@switchyard/plugin-kit';
import { PROVIDER_NAME } from './errors';
import { loadGenAiSdk } from './sdk';
import type { GeminiSettings } from './settings';

/**
 * One SDK client per credential (base URL, version and timeout are fixed per provider instance),
 * so connections are reused across requests. Map keys are hashes, never the keys themselves;
 * the least recently used client is dropped beyond `maxClients`.
 */
export class ClientCache {
  private readonly clients = new Map<string, GoogleGenAI>();

  constructor(
    private readonly settings: GeminiSettings,
    private readonly maxClients = 64,
  ) {}

  /** The client for this credential; the first call loads the SDK (see sdk.ts). */
  async get(credential: Record<string, string>): Promise<GoogleGenAI> {
    const apiKey = apiKeyOf(credential);
    const key = createHash('sha256').update(apiKey).digest('hex');
    const existing = this.clients.get(key);
    if (existing) {
      this.clients.delete(key);
      this.clients.set(key, existing);
      return existing;
    }
    const { GoogleGenAI: GenAiClient } = await loadGenAiSdk();
    // Another call for the same key may have made its client while this one waited for the import.
    const raced = this.clients.get(key);
    if (raced) return raced;
    const client = new GenAiClient({
      apiKey,
      // Explicit, so GOOGLE_GENAI_USE_VERTEXAI in the environment cannot switch the backend.
      vertexai: false,
      httpOptions: { baseUrl: this.settings.baseUrl, apiVersion: this.settings.apiVersion, timeout: this.settings.timeoutMs },
    });
    this.clients.set(key, client);
    while (this.clients.size > this.maxClients) this.clients.delete(this.clients.keys().next().value as string);
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  clear(): void {
    this.clients.clear();
  }
}

/**
 * The credential's API key. Without one the SDK would fall back to GEMINI_API_KEY from the
 * environment, which is not the operator's choice for this credential, so it is refused here.
 */
export function apiKeyOf(credential: Record<string, string>): string {
  const apiKey = credential.apiKey?.trim();
  if (!apiKey) {
    throw new GatewayError({
      status: 401,
      type: 'authentication_error',
      message: `${PROVIDER_NAME}: the credential has no apiKey.`,
      code: 'upstream_auth_failed',
      // Another credential or target may be configured correctly.
      retryable: true,
    });
  }
  return apiKey;
}
