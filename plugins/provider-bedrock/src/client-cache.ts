import { createHash } from 'node:crypto';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { AwsCredential } from './credentials';
import { loadBedrockSdk, loadHttpHandler } from './sdk';
import type { BedrockSettings } from './settings';

/**
 * One SDK client per credential (the region and endpoint are fixed per provider instance),
 * so connections are reused across requests. Keys are hashes: the map never holds secrets
 * in its keys. Least recently used clients are destroyed beyond `maxClients`.
 */
export class ClientCache {
  private readonly clients = new Map<string, BedrockRuntimeClient>();

  constructor(
    private readonly settings: BedrockSettings,
    private readonly maxClients = 32,
  ) {}

  /** The client for this credential; the first call loads the SDK (see sdk.ts). */
  async get(credential: AwsCredential): Promise<BedrockRuntimeClient> {
    const key = cacheKey(credential, this.settings);
    const existing = this.clients.get(key);
    if (existing) {
      // Re-insert to mark it most recently used.
      this.clients.delete(key);
      this.clients.set(key, existing);
      return existing;
    }
    const client = await createClient(credential, this.settings);
    // Another call for the same credential may have made its client while this one waited for the import.
    const raced = this.clients.get(key);
    if (raced) {
      client.destroy();
      return raced;
    }
    this.clients.set(key, client);
    while (this.clients.size > this.maxClients) {
      const [oldestKey, oldest] = this.clients.entries().next().value as [string, BedrockRuntimeClient];
      this.clients.delete(oldestKey);
      oldest.destroy();
    }
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

function cacheKey(credential: AwsCredential, settings: BedrockSettings): string {
  return createHash('sha256')
    .update([credential.accessKeyId, credential.secretAccessKey, credential.sessionToken ?? '', settings.region, settings.endpoint ?? ''].join('\u0000'))
    .digest('hex');
}

async function createClient(credential: AwsCredential, settings: BedrockSettings): Promise<BedrockRuntimeClient> {
  const [{ BedrockRuntimeClient }, { NodeHttpHandler }] = await Promise.all([loadBedrockSdk(), loadHttpHandler()]);
  return new BedrockRuntimeClient({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    credentials: credential,
    // The gateway's pipelines own retries and fallbacks; a hidden SDK retry would double them.
    maxAttempts: 1,
    // HTTP/1.1 with keep-alive: works against plain-HTTP endpoints (VPC proxies, emulators) too.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: Math.min(settings.timeoutMs, 10_000),
      socketTimeout: settings.timeoutMs,
    }),
  });
}
