import { describe, expect, it } from 'vitest';
import { lazyImport } from './lazy-import';

describe('lazyImport', () => {
  it('loads once, on the first call, and shares the module', async () => {
    let loads = 0;
    const load = lazyImport(async () => ({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([load(), load()]);
    expect(a).toBe(b);
    expect(await load()).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries again after a failed load', async () => {
    let calls = 0;
    const load = lazyImport(async () => {
      if (++calls === 1) throw new Error('not installed');
      return 'module';
    });
    await expect(load()).rejects.toThrow('not installed');
    expect(await load()).toBe('module');
  });
});
