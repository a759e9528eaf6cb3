import { describe, expect, it } from 'vitest';
import { UpstreamHeaders } from './upstream-response';

/** UpstreamHeaders must answer as the Headers of a real Response with the same header list. */
describe('UpstreamHeaders', () => {
  const raw = { 'x-b': 'two', 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-a': ['one', 'uno'], 'x-gone': undefined };
  const light = new UpstreamHeaders(raw);
  const real = new Response(null, {
    headers: [
      ['x-b', 'two'],
      ['content-type', 'application/json'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['x-a', 'one'],
      ['x-a', 'uno'],
    ],
  }).headers;

  it('reads values as a response Headers does, names in any case', () => {
    for (const name of ['Content-Type', 'x-a', 'X-A', 'set-cookie', 'x-gone', 'missing']) {
      expect(light.get(name)).toBe(real.get(name));
      expect(light.has(name)).toBe(real.has(name));
    }
    expect(light.getSetCookie()).toEqual(real.getSetCookie());
    expect(new UpstreamHeaders({}).getSetCookie()).toEqual([]);
  });

  it('iterates in the same order with the same pairs, set-cookie apart', () => {
    expect([...light]).toEqual([...real]);
    expect([...light.keys()]).toEqual([...real.keys()]);
    expect([...light.values()]).toEqual([...real.values()]);
    const seen: string[] = [];
    light.forEach(function (this: unknown, value, name, parent) {
      expect(parent).toBe(light);
      expect(this).toBe(seen);
      seen.push(`${name}=${value}`);
    }, seen);
    expect(seen).toEqual([...real].map(([n, v]) => `${n}=${v}`));
  });

  it('is immutable, as the headers of a response are', () => {
    expect(() => light.set()).toThrow(TypeError);
    expect(() => light.append()).toThrow(TypeError);
    expect(() => light.delete()).toThrow(TypeError);
    expect(Object.prototype.toString.call(light)).toBe('[object Headers]');
  });

  it('can build a real Response', () => {
    expect([...new Response(null, { headers: light }).headers]).toEqual([...real]);
  });
});
