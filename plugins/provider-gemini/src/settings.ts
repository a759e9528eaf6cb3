import type { JsonSchema } from '@switchyard/plugin-kit';

export const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
export const DEFAULT_API_VERSION = 'v1beta';
export const DEFAULT_TIMEOUT_MS = 600_000;

export interface GeminiSettings {
  /** Origin of the Gemini API, without the version segment (the SDK appends `/{apiVersion}/...`). */
  baseUrl: string;
  apiVersion: string;
  /** Per upstream request, including the whole body of a stream. */
  timeoutMs: number;
  /**
   * How JSON Schemas (tool parameters, `json_schema` response formats) travel upstream:
   * false converts them to the OpenAPI 3.0 subset every Gemini model accepts (`parameters`,
   * `responseSchema`); true sends them untouched as `parametersJsonSchema` / `responseJsonSchema`,
   * which newer models (Gemini 2.5 and later) accept with `$ref`, `additionalProperties` and more.
   */
  jsonSchemaPassthrough: boolean;
}

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: {
      type: 'string',
      format: 'uri',
      default: DEFAULT_BASE_URL,
      title: 'Base URL',
      'x-ui': { order: 1, placeholder: DEFAULT_BASE_URL, help: 'Origin of the Gemini API, without the version. Change it only for a proxy or a compatible endpoint.' },
    },
    apiVersion: {
      type: 'string',
      pattern: '^v[0-9a-z]+$',
      default: DEFAULT_API_VERSION,
      title: 'API version',
      'x-ui': { order: 2, widget: 'select', options: ['v1beta', 'v1', 'v1alpha'], help: 'Path segment of every request. v1beta carries the newest features (thinking, JSON Schema).' },
    },
    timeoutMs: {
      type: 'integer',
      minimum: 1000,
      maximum: 3_600_000,
      default: DEFAULT_TIMEOUT_MS,
      title: 'Timeout (ms)',
      'x-ui': { order: 3, help: 'Per upstream request, including the whole stream.' },
    },
    jsonSchemaPassthrough: {
      type: 'boolean',
      default: false,
      title: 'Send JSON Schemas untouched',
      'x-ui': {
        order: 4,
        help: 'Off: tool parameters and response schemas are converted to the OpenAPI subset every Gemini model accepts. On: they are sent as parametersJsonSchema / responseJsonSchema (Gemini 2.5 and later), keeping $ref and additionalProperties.',
      },
    },
  },
};

export const credentialSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey'],
  properties: {
    apiKey: {
      type: 'string',
      minLength: 1,
      title: 'API key',
      'x-ui': { widget: 'password', order: 1, placeholder: 'AIza...', help: 'A Gemini API key from Google AI Studio.' },
    },
  },
};

function integerOr(value: unknown, fallback: number, min: number, max: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** Reads settings already validated by the host, falling back to defaults for anything absent. */
export function readSettings(raw: Record<string, unknown>): GeminiSettings {
  return {
    baseUrl: stringOr(raw.baseUrl, DEFAULT_BASE_URL).replace(/\/+$/, ''),
    apiVersion: stringOr(raw.apiVersion, DEFAULT_API_VERSION),
    timeoutMs: integerOr(raw.timeoutMs, DEFAULT_TIMEOUT_MS, 1000, 3_600_000),
    jsonSchemaPassthrough: raw.jsonSchemaPassthrough === true || raw.jsonSchemaPassthrough === 'true',
  };
}
