import { randomBytes } from 'node:crypto';
import type { Logger } from '@switchyard/spec';
import type { RedisConnection } from './redis-connection';

type Handler = (payload: unknown) => void | Promise<void>;

interface Envelope {
  from: string;
  topic: string;
  payload: unknown;
}

/**
 * One Redis pub/sub channel for "something changed" notices between instances. Each message
 * names its sender, and an instance ignores its own: it already applied the change locally.
 * Delivery is at-most-once (pub/sub); caches that rely on it also have a TTL. Notices sent while
 * this instance's subscription was down are lost, so when it comes back the `onResync` handlers
 * run: each re-reads what its notices would have told it.
 */
export class ClusterChannel {
  readonly instanceId = `inst_${randomBytes(6).toString('hex')}`;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly resyncs = new Set<() => void | Promise<void>>();
  private subscriptionLost = false;
  private readonly onClose = () => {
    this.subscriptionLost = true;
  };
  private readonly onReady = () => {
    if (!this.subscriptionLost) return;
    this.subscriptionLost = false;
    void this.resync();
  };
  private readonly channel: string;
  private readonly onMessage = (channel: string, message: string) => {
    if (channel !== this.channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.from === this.instanceId) return;
    for (const handler of this.handlers.get(envelope.topic) ?? []) {
      Promise.resolve()
        .then(() => handler(envelope.payload))
        .catch((err: Error) => this.logger.error({ topic: envelope.topic, err: err.message }, 'cluster: applying a change from another instance failed'));
    }
  };

  constructor(
    private readonly redis: RedisConnection,
    private readonly logger: Logger,
  ) {
    this.channel = `${redis.prefix}:cluster`;
  }

  async start(): Promise<void> {
    this.redis.subscriber.on('message', this.onMessage);
    this.redis.subscriber.on('close', this.onClose);
    this.redis.subscriber.on('ready', this.onReady);
    await this.redis.subscriber.subscribe(this.channel);
  }

  /** Runs `handler` whenever the subscription is back after a loss (it may have missed notices). */
  onResync(handler: () => void | Promise<void>): () => void {
    this.resyncs.add(handler);
    return () => this.resyncs.delete(handler);
  }

  private async resync(): Promise<void> {
    try {
      // ioredis re-subscribes on reconnect; waiting for our own SUBSCRIBE (idempotent, sent after
      // it) means the subscription is in place before re-reading, so no change falls in between.
      await this.redis.subscriber.subscribe(this.channel);
    } catch {
      this.subscriptionLost = true; // lost again: the next 'ready' tries anew
      return;
    }
    this.logger.info('cluster: subscribed again after losing Redis; re-reading what other instances may have changed meanwhile');
    for (const handler of this.resyncs) {
      Promise.resolve()
        .then(handler)
        .catch((err: Error) => this.logger.error({ err: err.message }, 'cluster: catching up after a Redis outage failed'));
    }
  }

  publish(topic: string, payload: unknown): void {
    const message = JSON.stringify({ from: this.instanceId, topic, payload } satisfies Envelope);
    this.redis.commands.publish(this.channel, message).catch((err: Error) => {
      this.logger.error({ topic, err: err.message }, 'cluster: could not tell the other instances about a change');
    });
  }

  on(topic: string, handler: Handler): () => void {
    const set = this.handlers.get(topic) ?? new Set<Handler>();
    set.add(handler);
    this.handlers.set(topic, set);
    return () => set.delete(handler);
  }

  async stop(): Promise<void> {
    this.redis.subscriber.off('message', this.onMessage);
    this.redis.subscriber.off('close', this.onClose);
    this.redis.subscriber.off('ready', this.onReady);
    await this.redis.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }
}
