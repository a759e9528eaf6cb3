/** Something cached in memory is no longer true; every instance must drop it. */
export type IdentityEvent =
  | { type: 'key.revoked'; keyId: string }
  | { type: 'key.changed'; keyId: string }
  | { type: 'user.changed'; userId: string }
  | { type: 'session.ended'; sessionId: string }
  /** Anything may have changed (invalidations were missed): drop every cached entry. */
  | { type: 'cache.reset' };

export type IdentityEventListener = (event: IdentityEvent) => void;

/**
 * Carries cache invalidations. The local bus reaches this process only; a Redis-backed bus
 * (for several instances) publishes to a channel and re-emits what it receives from the others
 * through the same `subscribe` listeners, so the caches need no change.
 */
export interface InvalidationBus {
  publish(event: IdentityEvent): void;
  subscribe(listener: IdentityEventListener): () => void;
}

export class LocalInvalidationBus implements InvalidationBus {
  private readonly listeners = new Set<IdentityEventListener>();

  publish(event: IdentityEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken listener must not stop the others from forgetting what they cached.
      }
    }
  }

  subscribe(listener: IdentityEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
