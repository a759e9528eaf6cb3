import { describe, expect, it } from 'vitest';
import { validateSchema } from '../../../test/emulators/gemini/validate';
import { toGeminiSchema } from './schema';

/** Every converted schema must pass the emulator's copy of Gemini's Schema checks. */
function convert(schema: Record<string, unknown>) {
  const out = toGeminiSchema(schema);
  if (out) expect(validateSchema(out, 'parameters')).toBeUndefined();
  return out;
}

describe('toGeminiSchema', () => {
  it('uppercases types and keeps what Gemini understands', () => {
    expect(
      convert({
        type: 'object',
        title: 'Args',
        description: 'The arguments',
        properties: {
          city: { type: 'string', description: 'City name', minLength: 1, maxLength: 80, pattern: '^[A-Z]' },
          days: { type: 'integer', minimum: 1, maximum: 14, default: 3 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5 },
        },
        required: ['city'],
      }),
    ).toEqual({
      type: 'OBJECT',
      title: 'Args',
      description: 'The arguments',
      properties: {
        city: { type: 'STRING', description: 'City name', minLength: 1, maxLength: 80, pattern: '^[A-Z]' },
        days: { type: 'INTEGER', minimum: 1, maximum: 14, default: 3 },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, minItems: 1, maxItems: 5 },
      },
      required: ['city'],
    });
  });

  it('drops keywords outside Gemini Schema', () => {
    const out = convert({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'x',
      type: 'object',
      additionalProperties: false,
      patternProperties: { '^x': { type: 'string' } },
      properties: { a: { type: 'string', $comment: 'c', readOnly: true, not: { const: 'b' } } },
      if: {},
      then: {},
    });
    expect(out).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' } } });
  });

  it('keeps only the formats Gemini accepts for each type', () => {
    const out = convert({
      type: 'object',
      properties: { when: { type: 'string', format: 'date-time' }, mail: { type: 'string', format: 'email' }, n: { type: 'number', format: 'double' }, i: { type: 'integer', format: 'int64' } },
    });
    expect(out!.properties).toEqual({ when: { type: 'STRING', format: 'date-time' }, mail: { type: 'STRING' }, n: { type: 'NUMBER', format: 'double' }, i: { type: 'INTEGER', format: 'int64' } });
  });

  it('turns ["T", "null"] and anyOf with null into nullable, real unions into anyOf without a type', () => {
    const out = convert({
      type: 'object',
      properties: {
        maybe: { type: ['string', 'null'] },
        opt: { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'kept' },
        either: { oneOf: [{ type: 'string' }, { type: 'number' }] },
        multi: { type: ['string', 'number'] },
      },
    });
    expect(out!.properties).toEqual({
      maybe: { type: 'STRING', nullable: true },
      opt: { type: 'INTEGER', nullable: true, description: 'kept' },
      either: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
      multi: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
    });
  });

  it('turns string enums and const into string enums, and numeric enums into a description note', () => {
    const out = convert({
      type: 'object',
      properties: {
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        kind: { const: 'fixed' },
        level: { type: 'integer', enum: [1, 2, 3], description: 'Level' },
        nullableEnum: { enum: ['a', null] },
      },
    });
    expect(out!.properties).toEqual({
      unit: { type: 'STRING', format: 'enum', enum: ['celsius', 'fahrenheit'] },
      kind: { type: 'STRING', format: 'enum', enum: ['fixed'] },
      level: { type: 'INTEGER', description: 'Level (Allowed values: 1, 2, 3)' },
      nullableEnum: { type: 'STRING', format: 'enum', enum: ['a'], nullable: true },
    });
  });

  it('inlines local $refs and cuts recursive ones off', () => {
    const out = convert({
      type: 'object',
      $defs: { address: { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] } },
      definitions: { node: { type: 'object', properties: { value: { type: 'string' }, next: { $ref: '#/definitions/node' } } } },
      properties: { home: { $ref: '#/$defs/address', description: 'Home address' }, list: { $ref: '#/definitions/node' } },
    });
    expect(out!.properties!).toMatchObject({ home: { type: 'OBJECT', description: 'Home address', properties: { street: { type: 'STRING' } }, required: ['street'] } });
    // The recursion ends in a plain object after a bounded depth.
    let node = (out!.properties as Record<string, Record<string, unknown>>).list;
    let depth = 0;
    while ((node.properties as Record<string, Record<string, unknown>> | undefined)?.next) {
      node = (node.properties as Record<string, Record<string, unknown>>).next;
      depth++;
    }
    expect(depth).toBeGreaterThan(2);
    expect(depth).toBeLessThan(12);
    expect(node).toMatchObject({ type: 'OBJECT', description: expect.stringContaining('#/definitions/node') });
  });

  it('merges allOf into its parent', () => {
    const out = convert({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { properties: { b: { type: 'boolean' } }, required: ['b'] },
      ],
    });
    expect(out).toEqual({ type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'BOOLEAN' } }, required: ['a', 'b'] });
  });

  it('drops required names that are not properties, and gives arrays items', () => {
    expect(convert({ type: 'object', properties: { a: { type: 'array' } }, required: ['a', 'ghost'] })).toEqual({
      type: 'OBJECT',
      properties: { a: { type: 'ARRAY', items: {} } },
      required: ['a'],
    });
  });

  it('returns undefined for an object schema without properties (a function without parameters)', () => {
    expect(toGeminiSchema({ type: 'object', properties: {} })).toBeUndefined();
    expect(toGeminiSchema({ type: 'object' })).toBeUndefined();
    expect(toGeminiSchema(undefined)).toBeUndefined();
  });

  it('maps examples to example', () => {
    expect(convert({ type: 'object', properties: { a: { type: 'string', examples: ['x', 'y'] } } })!.properties).toEqual({ a: { type: 'STRING', example: 'x' } });
  });
});
