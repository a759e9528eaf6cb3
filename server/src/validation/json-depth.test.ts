import { describe, expect, it } from 'vitest';
import { compileValidator } from './validate';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('nesting depth', () => {
  it('counts the body as level 1 and only objects and arrays as levels', () => {
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: {} }, 1)).toBe(true);
    expect(nestsDeeperThan({ a: 'x', b: [1, 2, 3] }, 2)).toBe(false);
    expect(nestsDeeperThan('scalar', 0)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('walks any depth without overflowing the stack (JSON.parse accepts a million levels)', () => {
    const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000));
    expect(nestsDeeperThan(deep, MAX_JSON_DEPTH)).toBe(true);
  });

  it('makes every compiled validator refuse too deep a body with a 400 before validating it', () => {
    const validate = compileValidator({ type: 'object', properties: { tools: { type: 'array' } } });
    expect(() => validate({ tools: [nested(10)] })).not.toThrow();
    try {
      validate({ tools: [nested(10_000)] });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'nesting_too_deep', param: null });
    }
  });
});
