import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/plugin-kit';
import { ClientCache, apiKeyOf } from './client-cache';
import { readSettings } from './settings';

const settings = readSettings({ baseUrl: 'http://127.0.0.1:9', anthropicVersion: '2023-06-01', timeoutMs: 5000, maxRetries: 1 });

describe('ClientCache', () => {
  it('keeps one SDK client per credential, configured from the settings', async () => {
    const cache = new ClientCache(settings);
    const a = await cache.get('sk-ant-key-a');
    expect(await cache.get('sk-ant-key-a')).toBe(a);
    const b = await cache.get('sk-ant-key-b');
    expect(b).not.toBe(a);
    expect(cache.size).toBe(2);
    expect(a.apiKey).toBe('sk-ant-key-a');
    expect(a.baseURL).toBe('http://127.0.0.1:9');
    expect(a.timeout).toBe(5000);
    expect(a.maxRetries).toBe(1);
  });

  it('evicts the least recently used client past its bound', async () => {
    const cache = new ClientCache(settings, 2);
    const a = await cache.get('k-a');
    await cache.get('k-b');
    await cache.get('k-a');
    await cache.get('k-c');
    expect(cache.size).toBe(2);
    expect(await cache.get('k-a')).toBe(a);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe('apiKeyOf', () => {
  it('reads the apiKey field and refuses a credential without one as an upstream auth problem', () => {
    expect(apiKeyOf({ apiKey: ' sk-ant-x ' })).toBe('sk-ant-x');
    for (const credential of [{}, { apiKey: '' }, undefined]) {
      let thrown: unknown;
      try {
        apiKeyOf(credential as Record<string, string>);
      } catch (err) {
        thrown = err;
      }
      expect(GatewayError.is(thrown)).toBe(true);
      expect(thrown).toMatchObject({ status: 401, code: 'missing_credential' });
    }
  });
});
