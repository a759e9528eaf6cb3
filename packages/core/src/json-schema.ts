import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: depending on the loader its default export may be nested once more.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

/**
 * The one way the gateway builds a JSON Schema (2020-12) validator for plugin-supplied schemas,
 * with the standard formats (uri, email, date-time...) known, so `format: "uri"` is checked
 * rather than ignored with a warning. Browser-safe.
 */
export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}
