import { createAjv } from '@switchyard/core';
import type { JsonSchema } from '@switchyard/spec';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../validation/json-depth';

const ajv = createAjv({ useDefaults: true, strictNumbers: true }); // no Infinity (JSON's 1e400) for a number
const compiled = new WeakMap<JsonSchema, ReturnType<typeof ajv.compile>>();

/**
 * Validates settings against a plugin's JSON Schema (the same schema the console draws its
 * form from), filling in defaults. Returns the completed settings or the problems found.
 */
export function validateSettings(schema: JsonSchema | undefined, settings: unknown): { ok: true; value: Record<string, unknown> } | { ok: false; errors: string[] } {
  // structuredClone and ajv recurse: refuse settings nested deep enough to overflow the stack.
  if (nestsDeeperThan(settings, MAX_JSON_DEPTH)) return { ok: false, errors: [`(settings) nest more than ${MAX_JSON_DEPTH} levels deep`] };
  const value = structuredClone((settings ?? {}) as Record<string, unknown>);
  if (!schema) return { ok: true, value };
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return { ok: true, value };
  return {
    ok: false,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(settings)'} ${e.message}`),
  };
}
