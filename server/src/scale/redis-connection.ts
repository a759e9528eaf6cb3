import { Redis } from 'ioredis';
import type { Logger } from '@switchyard/spec';
import { RateLimitedLog } from '../usage/rate-limited-log';

/**
 * The Redis connections one instance holds for scale-out: `commands` for the pipeline stores
 * and publishing, `subscriber` for pub/sub (a subscribed connection can run nothing else).
 * Keys and channels all start with `prefix` so several deployments (or test suites) can share
 * one server.
 */
export interface RedisConnection {
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly prefix: string;
  /** Resolves once both connections are ready (rejects after `timeoutMs`). */
  ready(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function connectRedis(url: string, options: { prefix: string; logger: Logger }): RedisConnection {
  const log = new RateLimitedLog(options.logger, 'warn');
  // A request must not hang on a dead Redis: one retry, then the command fails.
  const make = () => new Redis(url, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
  const commands = make();
  const subscriber = make();
  for (const [name, c] of [['commands', commands], ['subscriber', subscriber]] as const) {
    c.on('error', (err: Error) => log.log({ connection: name, err: { message: err.message } }, 'Redis connection problem'));
    // ioredis reconnects by itself; say when it did, so the outage's log lines have an end.
    let lost = false;
    c.on('close', () => (lost = true));
    c.on('ready', () => {
      if (lost) options.logger.info({ connection: name }, 'Redis connection restored');
      lost = false;
    });
  }
  return {
    commands,
    subscriber,
    prefix: options.prefix,
    async ready(timeoutMs = 10_000) {
      const wait = (c: Redis) =>
        c.status === 'ready'
          ? Promise.resolve()
          : new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
              c.once('ready', () => {
                clearTimeout(timer);
                resolve();
              });
            });
      await Promise.all([wait(commands), wait(subscriber)]);
    },
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
    },
  };
}
