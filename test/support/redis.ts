import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Redis for tests: the server in SWITCHYARD_TEST_REDIS_URL (default: the local one). Without a
 * reachable server the Redis cases are skipped with a loud notice, unless
 * SWITCHYARD_REQUIRE_REDIS=1 (CI sets it), in which case they fail. Suites share the server, so
 * each one takes a key prefix of its own (`uniqueRedisPrefix`).
 */
export const REDIS_URL = process.env.SWITCHYARD_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
export const REDIS_REQUIRED = process.env.SWITCHYARD_REQUIRE_REDIS === '1';

let availability: Promise<boolean> | undefined;

export function redisAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // reported below
    try {
      await client.connect();
      await client.ping();
      return true;
    } catch (err) {
      if (REDIS_REQUIRED) throw new Error(`Redis is required (SWITCHYARD_REQUIRE_REDIS=1) but ${REDIS_URL} is not reachable: ${(err as Error).message}`);
      console.warn(`\n*** Redis at ${REDIS_URL} is not reachable: Redis test cases are SKIPPED. Set SWITCHYARD_REQUIRE_REDIS=1 to make this a failure. ***\n`);
      return false;
    } finally {
      client.disconnect();
    }
  })();
  return availability;
}

export function uniqueRedisPrefix(): string {
  return `sy_test_${randomBytes(6).toString('hex')}`;
}
