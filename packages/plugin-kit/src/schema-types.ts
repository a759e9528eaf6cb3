/*
 * The TypeScript type of the value a JSON Schema accepts, for the subset plugin settings and node
 * params use: objects with `properties`/`required`, arrays with `items`, `enum`, `const`, strings,
 * numbers, integers, booleans. Write the schema `as const` (or pass it through `defineSchema`) so
 * its literal types survive. Anything outside the subset becomes `unknown`, never a wrong type.
 *
 * Properties that are not `required` are optional even when they have a `default`: the host
 * validates params without filling defaults, so code must apply them itself.
 */

type RequiredKeys<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectValue<S> = S extends { readonly properties: infer P }
  ? Simplify<
      { -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: SchemaValue<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: SchemaValue<P[K]>;
      } & (S extends { readonly additionalProperties: false } ? unknown : S extends { readonly additionalProperties: infer A extends object } ? Record<string, SchemaValue<A>> : unknown)
    >
  : S extends { readonly additionalProperties: infer A extends object }
    ? Record<string, SchemaValue<A>>
    : Record<string, unknown>;

type TypedValue<T, S> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { readonly items: infer I }
            ? SchemaValue<I>[]
            : unknown[]
          : T extends 'object'
            ? ObjectValue<S>
            : unknown;

/** The value type of schema `S` (see the file comment for the subset understood). */
export type SchemaValue<S> = S extends { readonly const: infer C }
  ? C
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly type: infer T extends string | readonly string[] }
      ? T extends readonly (infer U)[]
        ? TypedValue<U, S>
        : TypedValue<T, S>
      : S extends { readonly properties: object }
        ? ObjectValue<S>
        : unknown;

/**
 * Keeps a schema's literal types (like `as const`) while checking it is a JSON Schema object.
 * `SchemaValue<typeof mySchema>` is then the type of the values it accepts.
 */
export function defineSchema<const S extends Record<string, unknown>>(schema: S): S {
  return schema;
}
