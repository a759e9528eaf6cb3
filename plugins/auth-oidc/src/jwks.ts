import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface Jwk extends JsonWebKey {
  kid?: string;
  alg?: string;
  use?: string;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

/**
 * The provider's signing keys, by kid. Fetched on first use, and again when a token names a kid
 * we do not know (the provider rotated), but at most once per `refetchIntervalMs`.
 */
export class JwksCache {
  private keys = new Map<string, { jwk: Jwk; key: KeyObject }>();
  private loaded = false;
  private lastRefetch = 0;
  private inflight?: Promise<void>;
  private jwksUri?: string;

  constructor(
    private readonly issuer: string,
    jwksUri: string | undefined,
    private readonly refetchIntervalMs: number,
  ) {
    this.jwksUri = jwksUri;
  }

  async find(kid: string | undefined): Promise<{ jwk: Jwk; key: KeyObject } | undefined> {
    if (!this.loaded) await this.refresh();
    let hit = this.lookup(kid);
    if (!hit && Date.now() - this.lastRefetch >= this.refetchIntervalMs) {
      this.lastRefetch = Date.now();
      await this.refresh();
      hit = this.lookup(kid);
    }
    return hit;
  }

  private lookup(kid: string | undefined) {
    if (kid !== undefined) return this.keys.get(kid);
    // No kid: only unambiguous with a single key.
    return this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async load(): Promise<void> {
    if (!this.jwksUri) {
      const discovery = (await getJson(`${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`)) as { jwks_uri?: unknown };
      if (typeof discovery.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
      this.jwksUri = discovery.jwks_uri;
    }
    const body = (await getJson(this.jwksUri)) as { keys?: Jwk[] };
    const keys = new Map<string, { jwk: Jwk; key: KeyObject }>();
    for (const jwk of body.keys ?? []) {
      if (jwk.use && jwk.use !== 'sig') continue;
      try {
        keys.set(jwk.kid ?? '', { jwk, key: createPublicKey({ key: jwk, format: 'jwk' }) });
      } catch {
        // A key type we cannot use; the others still work.
      }
    }
    this.keys = keys;
    this.loaded = true;
  }
}
