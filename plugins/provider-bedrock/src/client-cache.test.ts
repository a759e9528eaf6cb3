import { describe, expect, it } from 'vitest';
import { ClientCache } from './client-cache';
import { parseSettings } from './settings';

const settings = parseSettings({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' });
const a = { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'secret-a' };
const b = { accessKeyId: 'AKIABBBBBBBBBBBBBBBB', secretAccessKey: 'secret-b' };

describe('ClientCache', () => {
  it('reuses one client per credential and configures it for the gateway (region, endpoint, no SDK retries)', async () => {
    const cache = new ClientCache(settings);
    const first = await cache.get(a);
    expect(await cache.get({ ...a })).toBe(first);
    expect(await cache.get(b)).not.toBe(first);
    // A rotated secret for the same key id is a different credential.
    expect(await cache.get({ ...a, secretAccessKey: 'rotated' })).not.toBe(first);
    expect(cache.size).toBe(3);
    expect(await first.config.region()).toBe('eu-west-1');
    expect(await first.config.maxAttempts()).toBe(1);
    const endpoint = await first.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:1');
    cache.close();
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used client beyond its bound', async () => {
    const cache = new ClientCache(settings, 2);
    const first = await cache.get(a);
    await cache.get(b);
    await cache.get(a); // a is now the most recent
    await cache.get({ accessKeyId: 'AKIACCCCCCCCCCCCCCCC', secretAccessKey: 'c' });
    expect(cache.size).toBe(2);
    expect(await cache.get(a)).toBe(first);
    cache.close();
  });
});
