import { describe, expect, it } from 'vitest';
import { compileValidator } from './validate';

describe('numbers JSON.parse cannot represent', () => {
  it('1e400 parses to Infinity, and no validator takes it for a number', () => {
    const validate = compileValidator({ type: 'object', properties: { max_tokens: { type: 'integer', minimum: 1 }, temperature: { type: 'number' } } });
    const body = JSON.parse('{"max_tokens":1E400}');
    expect(body.max_tokens).toBe(Infinity);
    expect(() => validate(body)).toThrow(expect.objectContaining({ status: 400, param: 'max_tokens', code: 'invalid_type' }));
    expect(() => validate(JSON.parse('{"temperature":-1e400}'))).toThrow(expect.objectContaining({ status: 400, param: 'temperature' }));
    expect(() => validate({ max_tokens: 16 })).not.toThrow();
  });
});
