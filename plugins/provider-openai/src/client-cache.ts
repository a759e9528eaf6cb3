/**
 * One SDK client per credential, reused across requests (a client holds connection pools and
 * parsed options; building one per request would waste both). Bounded, least recently used out,
 * so rotated credentials do not accumulate. Clients may be built asynchronously (the SDK is
 * imported on first use, see sdk.ts): the cache holds the promise, so concurrent first calls
 * share one client, and a build that failed is forgotten so the next call tries again.
 */
export class ClientCache<Client> {
  private readonly clients = new Map<string, Promise<Client>>();

  constructor(
    private readonly create: (key: string) => Client | Promise<Client>,
    private readonly maxSize = 64,
  ) {}

  get(key: string): Promise<Client> {
    const existing = this.clients.get(key);
    if (existing !== undefined) {
      // Re-insert to mark it most recently used.
      this.clients.delete(key);
      this.clients.set(key, existing);
      return existing;
    }
    const client = Promise.resolve().then(() => this.create(key));
    client.catch(() => {
      if (this.clients.get(key) === client) this.clients.delete(key);
    });
    this.clients.set(key, client);
    if (this.clients.size > this.maxSize) this.clients.delete(this.clients.keys().next().value as string);
    return client;
  }

  get size(): number {
    return this.clients.size;
  }

  clear(): void {
    this.clients.clear();
  }
}
