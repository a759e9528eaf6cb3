import { LocalInvalidationBus, type IdentityEvent, type IdentityEventListener, type InvalidationBus } from '../identity/invalidation-bus';
import type { ClusterChannel } from './cluster-channel';

const TOPIC = 'identity';

/**
 * Identity's invalidation bus across instances: an event published here reaches this
 * process's listeners at once and every other instance's listeners through Redis, so a revoked
 * key stops working everywhere without waiting for cache TTLs.
 */
export class RedisInvalidationBus implements InvalidationBus {
  private readonly local = new LocalInvalidationBus();

  constructor(private readonly channel: ClusterChannel) {
    channel.on(TOPIC, (payload) => this.local.publish(payload as IdentityEvent));
    // Revocations may have been missed while Redis was away: forget everything cached.
    channel.onResync(() => this.local.publish({ type: 'cache.reset' }));
  }

  publish(event: IdentityEvent): void {
    this.local.publish(event);
    this.channel.publish(TOPIC, event);
  }

  subscribe(listener: IdentityEventListener): () => void {
    return this.local.subscribe(listener);
  }
}
