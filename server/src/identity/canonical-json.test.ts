import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same text for equal values built in different orders', () => {
    const x = { one: 1, two: 'zwei', three: [true, null] };
    const y = { three: [true, null], two: 'zwei', one: 1 };
    expect(canonicalJson(x)).toBe(canonicalJson(y));
  });

  it('writes non-finite numbers as null and escapes strings like JSON', () => {
    expect(canonicalJson([NaN, Infinity, 'a"b\n'])).toBe('[null,null,"a\\"b\\n"]');
  });

  it('refuses circular structures', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/circular/);
  });

  it('allows the same object twice when it is not circular', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});
