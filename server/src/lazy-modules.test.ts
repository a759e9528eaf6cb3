import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '@switchyard/plugin-kit/testing';

// The gateway imports ioredis and the socket.io Redis adapter only when REDIS_URL is set
// (startScaleOut, LiveFeed.start); most single instances never need their memory.
const isRedisEntry = (url: string) => /\/node_modules\/(ioredis\/built\/index\.js|@socket\.io\/redis-adapter\/dist\/index\.js)$/.test(url);

describe('modules the gateway loads only when configured', () => {
  it('importing the gateway does not load the Redis client or adapter; the live feed with Redis does', async () => {
    const loaded = await modulesLoadedBy(fileURLToPath(new URL('./gateway.ts', import.meta.url)), {
      file: fileURLToPath(new URL('./live/live-feed.ts', import.meta.url)),
      exportName: 'loadLiveFeedRedisModules',
    });
    expect(loaded.atImport.some((url) => url.endsWith('/server/src/gateway.ts'))).toBe(true);
    expect(loaded.atImport.filter(isRedisEntry)).toEqual([]);
    expect(loaded.afterCall.filter(isRedisEntry)).toHaveLength(2);
  }, 60_000);
});
