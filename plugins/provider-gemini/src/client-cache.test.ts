import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/plugin-kit';
import { ClientCache, apiKeyOf } from './client-cache';
import { readSettings } from './settings';

describe('ClientCache', () => {
  it('keeps one SDK client per credential', async () => {
    const cache = new ClientCache(readSettings({}));
    const a = await cache.get({ apiKey: 'key-a' });
    expect(await cache.get({ apiKey: 'key-a' })).toBe(a);
    expect(await cache.get({ apiKey: 'key-b' })).not.toBe(a);
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(await cache.get({ apiKey: 'key-a' })).not.toBe(a);
  });

  it('drops the least recently used client beyond its limit', async () => {
    const cache = new ClientCache(readSettings({}), 2);
    const a = await cache.get({ apiKey: 'a' });
    const b = await cache.get({ apiKey: 'b' });
    await cache.get({ apiKey: 'a' });
    await cache.get({ apiKey: 'c' });
    expect(cache.size).toBe(2);
    expect(await cache.get({ apiKey: 'a' })).toBe(a);
    expect(await cache.get({ apiKey: 'b' })).not.toBe(b);
  });
});

describe('apiKeyOf', () => {
  it('refuses a credential without a key instead of falling back to the environment', () => {
    expect(apiKeyOf({ apiKey: ' k ' })).toBe('k');
    let error: unknown;
    try {
      apiKeyOf({ apiKey: '  ' });
    } catch (err) {
      error = err;
    }
    expect(GatewayError.is(error)).toBe(true);
    expect(error).toMatchObject({ status: 401, code: 'upstream_auth_failed' });
  });
});
