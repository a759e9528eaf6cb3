/**
 * One SDK client per credential, reused across requests (a client holds connection pools and
 * parsed options; building one per request would waste both). Bounded, least recently used out,
 * so rotated credentials do not accumulate.
 */
export class ClientCache<Client> {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly create: (key: string) => Client,
    private readonly maxSize = 64,
  ) {}

  get(key: string): Client {
    const existing = this.clients.get(key);
    if (existing !== undefined) {
      // Re-insert to mark it most recently used.
      this.clients.delete(key);
      this.clients.set(key, existing);
      return existing;
    }
    const client = this.create(key);
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
