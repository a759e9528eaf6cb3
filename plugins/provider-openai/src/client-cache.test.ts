import { describe, expect, it } from 'vitest';
import { ClientCache } from './client-cache';

describe('ClientCache', () => {
  it('builds one client per key and reuses it', () => {
    let built = 0;
    const cache = new ClientCache((key) => ({ key, n: ++built }));
    expect(cache.get('a')).toBe(cache.get('a'));
    expect(cache.get('b')).not.toBe(cache.get('a'));
    expect(built).toBe(2);
  });

  it('drops the least recently used client beyond its size', () => {
    let built = 0;
    const cache = new ClientCache((key) => ({ key, n: ++built }), 2);
    const a = cache.get('a');
    cache.get('b');
    cache.get('a'); // a is now the most recent
    cache.get('c'); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe(a);
    cache.get('b');
    expect(built).toBe(4);
  });
});
