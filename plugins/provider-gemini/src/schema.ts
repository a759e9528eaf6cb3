/**
 * JSON Schema (what OpenAI tools and response formats carry) to the schema Gemini's `Schema`
 * object accepts: a subset of OpenAPI 3.0. Gemini answers 400 ("Unknown name ... Cannot find
 * field") for any keyword outside that subset, so everything else is dropped, and constructs it
 * cannot express are rewritten: `$ref` is inlined, type unions become `nullable` or `anyOf`,
 * `allOf` is merged, `const` and non-string enums become a string enum or a description note.
 */

type Json = Record<string, unknown>;

/** The fields of Gemini's Schema message (everything else is an unknown field upstream). */
const GEMINI_TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT']);

/** Formats Gemini accepts, per type; any other format is rejected upstream, so it is dropped. */
const FORMATS_BY_TYPE: Record<string, string[]> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

const COPIED_NUMBERS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties', 'minimum', 'maximum'] as const;

/** How deep `$ref`s are inlined before a recursive definition is cut off. */
const MAX_REF_DEPTH = 8;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Context {
  root: Json;
  refDepth: number;
}

/**
 * Converts a JSON Schema. Returns undefined for a schema that says nothing Gemini can use
 * (e.g. a tool whose parameters are an object without properties: Gemini rejects an OBJECT
 * with no properties, and a declaration without parameters means the same thing).
 */
export function toGeminiSchema(schema: unknown): Json | undefined {
  if (!isObject(schema)) return undefined;
  const converted = convert(schema, { root: schema, refDepth: 0 });
  if (converted.type === 'OBJECT' && !isObject(converted.properties)) return undefined;
  return converted;
}

function convert(input: Json, ctx: Context): Json {
  const schema = resolveRef(input, ctx);
  if (schema !== input) return convert(schema, { ...ctx, refDepth: ctx.refDepth + 1 });

  const out: Json = {};
  const merged = mergeAllOf(schema);
  copyAnnotations(merged, out);

  const alternatives = unionOf(merged);
  if (alternatives) {
    applyUnion(alternatives, out, ctx);
    return out;
  }

  const type = normalizeType(merged.type, out);
  if (type === 'ANY_OF') {
    // Several non-null types: Gemini expresses that as anyOf of one schema per type.
    out.anyOf = (merged.type as string[])
      .filter((t) => t !== 'null')
      .map((t) => convert({ ...merged, type: t }, ctx));
    return out;
  }
  if (type) out.type = type;

  applyEnum(merged, out);
  for (const key of COPIED_NUMBERS) {
    if (typeof merged[key] === 'number') out[key] = merged[key];
  }
  if (typeof merged.pattern === 'string' && (type === 'STRING' || type === undefined)) out.pattern = merged.pattern;
  if (typeof merged.format === 'string' && out.format === undefined && type && FORMATS_BY_TYPE[type]?.includes(merged.format)) {
    out.format = merged.format;
  }

  if (isObject(merged.properties)) {
    const properties: Json = {};
    for (const [name, value] of Object.entries(merged.properties)) {
      if (isObject(value)) properties[name] = convert(value, ctx);
      else if (value === true) properties[name] = {};
    }
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      if (!out.type) out.type = 'OBJECT';
      const required = Array.isArray(merged.required) ? merged.required.filter((r): r is string => typeof r === 'string' && r in properties) : [];
      if (required.length > 0) out.required = required;
    }
  }

  const items = Array.isArray(merged.items) ? merged.items[0] : merged.items ?? (Array.isArray(merged.prefixItems) ? merged.prefixItems[0] : undefined);
  if (isObject(items)) out.items = convert(items, ctx);
  else if (out.type === 'ARRAY') out.items = {};

  return out;
}

/** Follows a local `$ref` (`#/$defs/...`, `#/definitions/...`), cutting recursion off at a depth. */
function resolveRef(schema: Json, ctx: Context): Json {
  if (typeof schema.$ref !== 'string') return schema;
  const target = ctx.refDepth < MAX_REF_DEPTH ? lookupPointer(ctx.root, schema.$ref) : undefined;
  // Siblings of $ref (description, ...) override what the target says.
  const { $ref: _ref, ...siblings } = schema;
  if (!target) return { type: 'object', description: describe(siblings.description, `Refers to ${schema.$ref}`) };
  return { ...target, ...siblings };
}

function lookupPointer(root: Json, ref: string): Json | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter((s) => s !== '')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** allOf: the subschemas' properties and requirements are unioned into the parent. */
function mergeAllOf(schema: Json): Json {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const merged: Json = { ...rest };
  for (const part of allOf as unknown[]) {
    if (!isObject(part)) continue;
    const sub = mergeAllOf(part);
    for (const [key, value] of Object.entries(sub)) {
      if (key === 'properties' && isObject(value)) merged.properties = { ...(isObject(merged.properties) ? merged.properties : {}), ...value };
      else if (key === 'required' && Array.isArray(value)) merged.required = [...new Set([...(Array.isArray(merged.required) ? merged.required : []), ...value])];
      else if (merged[key] === undefined) merged[key] = value;
    }
  }
  return merged;
}

function unionOf(schema: Json): unknown[] | undefined {
  const list = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  return list && list.length > 0 ? list : undefined;
}

/**
 * anyOf / oneOf: `{type: null}` members become `nullable`; a single remaining member is merged
 * into the parent (Gemini rejects `type` beside `anyOf`, so a lone alternative is flattened).
 */
function applyUnion(alternatives: unknown[], out: Json, ctx: Context): void {
  const members = alternatives.filter(isObject);
  const nonNull = members.filter((m) => m.type !== 'null');
  if (nonNull.length < members.length) out.nullable = true;
  if (nonNull.length === 0) return;
  if (nonNull.length === 1) {
    const single = convert(nonNull[0], ctx);
    for (const [key, value] of Object.entries(single)) {
      if (key === 'description' && typeof out.description === 'string') continue;
      out[key] = value;
    }
    return;
  }
  out.anyOf = nonNull.map((m) => convert(m, ctx));
}

/** Returns Gemini's type name, sets `nullable` for `["x", "null"]`, or 'ANY_OF' for real unions. */
function normalizeType(type: unknown, out: Json): string | 'ANY_OF' | undefined {
  if (typeof type === 'string') {
    const upper = type.toUpperCase();
    return GEMINI_TYPES.has(upper) ? upper : upper === 'NULL' ? setNullable(out) : undefined;
  }
  if (!Array.isArray(type)) return undefined;
  const names = type.filter((t): t is string => typeof t === 'string');
  if (names.includes('null')) out.nullable = true;
  const rest = names.filter((t) => t !== 'null');
  if (rest.length === 0) return undefined;
  if (rest.length === 1) return normalizeType(rest[0], out);
  return 'ANY_OF';
}

function setNullable(out: Json): undefined {
  out.nullable = true;
  return undefined;
}

/**
 * Gemini enums are strings only. A string `const` becomes a one-value enum; numeric or boolean
 * enums cannot be expressed, so the allowed values move into the description instead.
 */
function applyEnum(schema: Json, out: Json): void {
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : undefined;
  if (!values) return;
  const nonNull = values.filter((v) => v !== null);
  if (nonNull.length < values.length) out.nullable = true;
  if (nonNull.length > 0 && nonNull.every((v) => typeof v === 'string')) {
    out.enum = nonNull;
    out.type = 'STRING';
    out.format = 'enum';
    return;
  }
  if (nonNull.length > 0) {
    out.description = describe(out.description, `Allowed values: ${nonNull.map((v) => JSON.stringify(v)).join(', ')}`);
  }
}

function copyAnnotations(schema: Json, out: Json): void {
  if (typeof schema.title === 'string') out.title = schema.title;
  if (typeof schema.description === 'string') out.description = schema.description;
  if (schema.nullable === true) out.nullable = true;
  if (schema.default !== undefined) out.default = schema.default;
  if (schema.example !== undefined) out.example = schema.example;
  else if (Array.isArray(schema.examples) && schema.examples.length > 0) out.example = schema.examples[0];
}

function describe(existing: unknown, note: string): string {
  return typeof existing === 'string' && existing !== '' ? `${existing} (${note})` : note;
}
