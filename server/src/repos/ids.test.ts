import { describe, expect, it } from 'vitest';
import { newId } from './ids';

describe('newId', () => {
  it('gives a prefix and 12 url-safe characters, never the same twice across pool refills', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('x')); // ~44 refills of the byte pool
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^x_[A-Za-z0-9_-]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
