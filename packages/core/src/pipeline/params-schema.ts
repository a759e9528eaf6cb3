import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv } from '../json-schema';
import type { JsonSchema } from '@switchyard/spec';
import { conditionError } from './condition/parser';
import { checkTimeZone } from './scope';
import { templateError } from './template';

/*
 * Validation of node params against their type's paramsSchema (JSON Schema 2020-12), with the
 * pipeline formats: `sy-condition`, `sy-template`, `sy-regex`. Browser-safe; compiled
 * validators are cached per schema object, so validating an edited graph again is cheap.
 */

export function regexError(src: string): string | undefined {
  try {
    new RegExp(src, 'u');
    return undefined;
  } catch {
    try {
      new RegExp(src);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  }
}

const FORMAT_CHECKS: Record<string, (s: string) => string | undefined> = {
  'sy-condition': (s) => conditionError(s),
  'sy-template': templateError,
  'sy-regex': regexError,
  'sy-timezone': (s) => {
    try {
      checkTimeZone(s);
      return undefined;
    } catch {
      return `'${s}' is not a time zone this runtime knows`;
    }
  },
};

const ajv = createAjv();
for (const [name, check] of Object.entries(FORMAT_CHECKS)) ajv.addFormat(name, { type: 'string', validate: (s: string) => check(s) === undefined });

const compiled = new WeakMap<object, ValidateFunction>();

export function compileParamsSchema(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** `/rules/0/when` -> `params.rules[0].when` */
export function paramsField(instancePath: string, extra?: string): string {
  let out = 'params';
  const segs = instancePath.split('/').slice(1);
  if (extra !== undefined) segs.push(extra);
  for (const raw of segs) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$-]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function valueAt(root: unknown, instancePath: string): unknown {
  let v = root;
  for (const raw of instancePath.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

export interface ParamProblem {
  field: string;
  message: string;
}

function describeError(e: ErrorObject, params: unknown): ParamProblem {
  switch (e.keyword) {
    case 'required':
      return { field: paramsField(e.instancePath, (e.params as { missingProperty: string }).missingProperty), message: 'is required' };
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: paramsField(e.instancePath, extra), message: `is not a known parameter` };
    }
    case 'format': {
      const format = (e.params as { format: string }).format;
      const check = FORMAT_CHECKS[format] as ((s: string) => string | undefined) | undefined;
      const value = valueAt(params, e.instancePath);
      const why = check && typeof value === 'string' ? check(value) : undefined;
      return { field: paramsField(e.instancePath), message: why ?? `must be a valid ${format}` };
    }
    default:
      return { field: paramsField(e.instancePath), message: e.message ?? 'is invalid' };
  }
}

/** Validates params; returns one problem per failing field (empty when valid). */
export function checkParams(schema: JsonSchema, params: unknown): ParamProblem[] {
  let validate: ValidateFunction;
  try {
    validate = compileParamsSchema(schema);
  } catch (err) {
    return [{ field: 'params', message: `the node type's paramsSchema is not a valid JSON Schema: ${(err as Error).message}` }];
  }
  if (validate(params)) return [];
  const seen = new Set<string>();
  const out: ParamProblem[] = [];
  for (const e of validate.errors ?? []) {
    // `if/then` and `oneOf` wrappers repeat what their branches already said.
    if (e.keyword === 'if' || e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const p = describeError(e, params);
    const k = `${p.field}\u0000${p.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out.length > 0 ? out : [{ field: 'params', message: 'is invalid' }];
}
