import { describe, expect, it } from 'vitest';
import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('expires entries after the ttl', () => {
    let now = 1000;
    const c = new TtlCache<string>(100, 10, () => now);
    c.set('a', 'x');
    expect(c.get('a')).toBe('x');
    now = 1099;
    expect(c.get('a')).toBe('x');
    now = 1100;
    expect(c.get('a')).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const c = new TtlCache<number>(1000, 2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('loads once for concurrent callers', async () => {
    const c = new TtlCache<number>(1000, 10);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setImmediate(r));
      return 7;
    };
    expect(await Promise.all([c.getOrLoad('k', load), c.getOrLoad('k', load), c.getOrLoad('k', load)])).toEqual([7, 7, 7]);
    expect(loads).toBe(1);
    expect(await c.getOrLoad('k', load)).toBe(7);
    expect(loads).toBe(1);
  });

  it('does not keep a value loaded across an invalidation', async () => {
    const c = new TtlCache<string>(1000, 10);
    let release!: () => void;
    const loading = c.getOrLoad('k', () => new Promise<string>((r) => (release = () => r('stale'))));
    c.delete('k');
    release();
    expect(await loading).toBe('stale');
    expect(c.get('k')).toBeUndefined();
  });

  it('deletes by predicate', () => {
    const c = new TtlCache<{ user: string }>(1000, 10);
    c.set('1', { user: 'u1' });
    c.set('2', { user: 'u2' });
    c.deleteWhere((v) => v.user === 'u1');
    expect(c.get('1')).toBeUndefined();
    expect(c.get('2')).toEqual({ user: 'u2' });
  });
});
