import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { errors, GatewayError } from '@switchyard/core';
import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeeplyNested } from './json-depth';

// strictNumbers: JSON.parse turns 1e400 into Infinity, which ajv would otherwise take for an integer.
const ajv = new Ajv2020({ allErrors: false, strict: false, strictNumbers: true });

/** `/messages/0/role` -> `messages[0].role`, the way OpenAI names a param. */
export function paramPath(instancePath: string, extra?: string): string | null {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || null;
}

function describe(e: ErrorObject): GatewayError {
  const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : undefined;
  const param = paramPath(e.instancePath, missing);
  if (missing) return errors.invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
  const where = param ?? 'request body';
  const detail = e.keyword === 'enum' ? `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}` : e.message;
  return errors.invalidRequest(`Invalid value for '${where}': ${detail}.`, param, e.keyword === 'type' ? 'invalid_type' : 'invalid_value');
}

/**
 * Compiles a request schema once; the returned function throws a 400 GatewayError naming
 * the offending parameter, or returns the body typed.
 */
export function compileValidator<T>(schema: object): (body: unknown) => T {
  const validate = ajv.compile(schema);
  return (body: unknown): T => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw errors.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
    }
    // Before anything recursive (ajv, and every consumer after it) walks the body.
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) throw tooDeeplyNested();
    if (!validate(body)) {
      // if/then failures report the `if` too; the innermost error is the useful one.
      const errs = (validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf');
      throw describe(errs[0] ?? validate.errors![0]);
    }
    return body as T;
  };
}
