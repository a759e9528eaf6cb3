import { describe, expect, it } from 'vitest';
import { ClientCache } from './client-cache';

describe('ClientCache', () => {
  it('builds one client per key and reuses it', async () => {
    let built = 0;
    const cache = new ClientCache((key) => ({ key, n: ++built }));
    expect(await cache.get('a')).toBe(await cache.get('a'));
    expect(await cache.get('b')).not.toBe(await cache.get('a'));
    expect(built).toBe(2);
  });

  it('drops the least recently used client beyond its size', async () => {
    let built = 0;
    const cache = new ClientCache((key) => ({ key, n: ++built }), 2);
    const a = await cache.get('a');
    await cache.get('b');
    await cache.get('a'); // a is now the most recent
    await cache.get('c'); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get('a')).toBe(a);
    await cache.get('b');
    expect(built).toBe(4);
  });

  it('shares one asynchronous build between concurrent first calls', async () => {
    let built = 0;
    const cache = new ClientCache(async (key) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { key, n: ++built };
    });
    const [first, second] = await Promise.all([cache.get('a'), cache.get('a')]);
    expect(first).toBe(second);
    expect(built).toBe(1);
  });

  it('forgets a build that failed, so the next call tries again', async () => {
    let attempts = 0;
    const cache = new ClientCache((key) => {
      if (++attempts === 1) throw new Error('SDK failed to load');
      return { key };
    });
    await expect(cache.get('a')).rejects.toThrow('SDK failed to load');
    expect(cache.size).toBe(0);
    expect(await cache.get('a')).toEqual({ key: 'a' });
    expect(attempts).toBe(2);
  });
});
