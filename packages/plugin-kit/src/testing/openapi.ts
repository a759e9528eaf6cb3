/**
 * Validates gateway outputs against OpenAI's own API description (openai-openapi.yaml), so a
 * provider's translation is checked against the contract clients are written for, not against
 * our reading of it.
 *
 * The YAML is OpenAPI 3.1 with 3.0 leftovers that ajv's draft 2020-12 validator rejects or
 * misreads; `convertSchema` rewrites them (nullable, boolean exclusiveMinimum, $recursiveRef) and
 * drops documentation-only keys. Parsing 3 MB of YAML takes seconds, so the converted schemas are
 * cached on disk keyed by the spec's size and mtime, and each schema is compiled on first use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ValidateFunction, ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS: depending on the loader the default export may be nested.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as typeof Ajv2020Module;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

/** Bump when `convertSchema` changes, so stale disk caches are ignored. */
const CONVERTER_VERSION = 2;
const SCHEMA_ID = 'https://switchyard.invalid/openai-openapi.json';

/** The repository root: this file lives in <root>/packages/plugin-kit/src/testing. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface OpenAIValidatorOptions {
  /** The OpenAPI YAML; default $SWITCHYARD_OPENAI_SPEC or <repo>/../shared/spec/openai-openapi.yaml. */
  specPath?: string;
  /** Where converted schemas are cached; default <repo>/node_modules/.cache/switchyard. */
  cacheDir?: string;
}

export interface OpenAIValidator {
  /** Names under #/components/schemas. */
  readonly schemaNames: string[];
  /** Problems found, one readable line each; empty when `value` conforms. */
  validate(schemaName: string, value: unknown): string[];
}

export function defaultOpenAISpecPath(): string {
  return process.env.SWITCHYARD_OPENAI_SPEC ?? path.resolve(repoRoot, '../shared/spec/openai-openapi.yaml');
}

export function createOpenAIValidator(options: OpenAIValidatorOptions = {}): OpenAIValidator {
  const specPath = options.specPath ?? defaultOpenAISpecPath();
  const { schemas, formats } = loadConvertedSchemas(specPath, options.cacheDir ?? path.join(repoRoot, 'node_modules/.cache/switchyard'));

  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  // OpenAPI's own formats (unixtime, int64, binary, png, ...) are descriptive: accept any value.
  for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
  ajv.addSchema({ $id: SCHEMA_ID, components: { schemas } });

  const compiled = new Map<string, ValidateFunction>();
  function validatorFor(name: string): ValidateFunction {
    let validate = compiled.get(name);
    if (!validate) {
      if (!(name in schemas)) throw new Error(`No schema named '${name}' in ${specPath}`);
      validate = ajv.compile({ $ref: `${SCHEMA_ID}#/components/schemas/${name}` });
      compiled.set(name, validate);
    }
    return validate;
  }

  return {
    schemaNames: Object.keys(schemas),
    validate(name, value) {
      const validate = validatorFor(name);
      return validate(value) ? [] : describeErrors(validate.errors ?? []);
    },
  };
}

let defaultValidator: OpenAIValidator | undefined;

/** Validates against the default spec (see `defaultOpenAISpecPath`); returns the problems found. */
export function validateOpenAI(schemaName: string, value: unknown): string[] {
  defaultValidator ??= createOpenAIValidator();
  return defaultValidator.validate(schemaName, value);
}

/** Throws, listing every problem, when `value` does not conform to the named OpenAI schema. */
export function expectOpenAIValid(schemaName: string, value: unknown, label = schemaName): void {
  const problems = validateOpenAI(schemaName, value);
  if (problems.length > 0) {
    throw new Error(`${label} does not conform to OpenAI's ${schemaName}:\n  ${problems.join('\n  ')}\nvalue: ${JSON.stringify(value).slice(0, 2000)}`);
  }
}

/* -------------------------------------------------------------------- loading */

interface Converted {
  schemas: Record<string, unknown>;
  formats: string[];
}

function loadConvertedSchemas(specPath: string, cacheDir: string): Converted {
  const stat = fs.statSync(specPath);
  const cacheFile = path.join(cacheDir, `openai-schemas-${stat.size}-${Math.floor(stat.mtimeMs)}-v${CONVERTER_VERSION}.json`);
  try {
    return JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as Converted;
  } catch {
    // No usable cache: convert below.
  }
  const document = yaml.load(fs.readFileSync(specPath, 'utf8')) as { components?: { schemas?: Record<string, unknown> } };
  const source = document.components?.schemas;
  if (!source) throw new Error(`${specPath} has no components.schemas`);
  const formats = new Set<string>();
  const schemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(source)) schemas[name] = convertSchema(schema, name, formats);
  const converted: Converted = { schemas, formats: [...formats].sort() };
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Write then rename so a parallel test process never reads half a file.
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(converted));
    fs.renameSync(temp, cacheFile);
  } catch {
    // A read-only tree only costs the next run the conversion again.
  }
  return converted;
}

/* ----------------------------------------------------------------- conversion */

// Keywords whose value is a map of name -> schema.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
// Keywords whose value is one schema.
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'additionalItems']);
// Keywords whose value is a list of schemas.
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
// Documentation and OpenAPI-only keys that do not constrain values.
const DROPPED = new Set(['description', 'example', 'examples', 'title', 'discriminator', 'nullable', '$recursiveAnchor', 'externalDocs', 'xml', 'deprecated']);

/**
 * Rewrites one OpenAPI schema into JSON Schema 2020-12:
 * - `nullable: true` becomes `type: [T, "null"]` for a plain typed schema, else `anyOf: [schema, {type: "null"}]`
 *   (an `enum` or `$ref` would otherwise still reject null);
 * - draft-4 `exclusiveMinimum: true` + `minimum: m` becomes `exclusiveMinimum: m` (same for maximum);
 * - `$recursiveRef: "#"` (draft 2019-09) becomes a `$ref` to the enclosing component;
 * - descriptions, examples, discriminators and `x-` extensions are dropped.
 * Values of data keywords (enum, const, default, required) are copied untouched.
 */
export function convertSchema(schema: unknown, componentName: string, formats: Set<string> = new Set()): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, convertSchema(sub, componentName, formats)]));
    } else if (key === 'items' && Array.isArray(value)) {
      out.prefixItems = value.map((sub) => convertSchema(sub, componentName, formats));
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = convertSchema(value, componentName, formats);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => convertSchema(sub, componentName, formats));
    } else if (key === '$recursiveRef') {
      out.$ref = `#/components/schemas/${componentName}`;
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      if (typeof value === 'number') out[key] = value;
      else if (value === true) out[key] = source[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'];
    } else {
      if (key === 'format' && typeof value === 'string' && value.length > 0) formats.add(value);
      out[key] = value;
    }
  }
  // A boolean exclusive bound replaced its inclusive partner.
  if (source.exclusiveMinimum === true) delete out.minimum;
  if (source.exclusiveMaximum === true) delete out.maximum;

  if (source.nullable !== true) return out;
  const plainType = typeof out.type === 'string' && !('enum' in out) && !('const' in out) && !('$ref' in out) && !out.allOf && !out.anyOf && !out.oneOf;
  if (plainType) return { ...out, type: [out.type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeErrors(errors: ErrorObject[]): string[] {
  const lines = errors.map((e) => {
    const where = e.instancePath || '(root)';
    const detail = e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : e.keyword === 'enum' ? ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}` : '';
    return `${where} ${e.message ?? e.keyword}${detail}`;
  });
  return [...new Set(lines)];
}
