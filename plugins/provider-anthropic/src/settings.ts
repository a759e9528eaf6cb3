import type { JsonSchema } from '@switchyard/plugin-kit';

export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

export interface AnthropicSettings {
  /** Origin of the Messages API, without `/v1` (the SDK appends the paths). */
  baseUrl: string;
  anthropicVersion: string;
  /** Anthropic requires `max_tokens`; this is sent when the request names no limit. */
  defaultMaxTokens: number;
  timeoutMs: number;
  /** Retries inside the SDK. 0 by default: the gateway's pipeline owns retries and fallbacks. */
  maxRetries: number;
}

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: {
      type: 'string',
      pattern: '^https?://',
      default: DEFAULT_BASE_URL,
      title: 'Base URL',
      'x-ui': { order: 1, placeholder: DEFAULT_BASE_URL, help: 'Origin of the Anthropic API, without /v1. Change it only for a proxy or a compatible endpoint.' },
    },
    anthropicVersion: {
      type: 'string',
      minLength: 1,
      default: DEFAULT_ANTHROPIC_VERSION,
      title: 'anthropic-version header',
      'x-ui': { order: 2, help: 'API version sent with every request.' },
    },
    defaultMaxTokens: {
      type: 'integer',
      minimum: 1,
      maximum: 1_000_000,
      default: 4096,
      title: 'Default max tokens',
      'x-ui': { order: 3, help: 'Anthropic requires max_tokens; used when a request sets neither max_tokens nor max_completion_tokens.' },
    },
    timeoutMs: {
      type: 'integer',
      minimum: 1000,
      maximum: 3_600_000,
      default: 600_000,
      title: 'Timeout (ms)',
      'x-ui': { order: 4, help: 'Per upstream request, including the whole stream.' },
    },
    maxRetries: {
      type: 'integer',
      minimum: 0,
      maximum: 10,
      default: 0,
      title: 'SDK retries',
      'x-ui': { order: 5, help: 'Retries inside the Anthropic SDK. Keep 0 to let pipeline retry and fallback nodes decide.' },
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
      'x-ui': { widget: 'password', order: 1, placeholder: 'sk-ant-...' },
    },
  },
};

function integerOr(value: unknown, fallback: number, min: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= min ? n : fallback;
}

/** Reads settings already validated by the host, filling defaults for what is missing. */
export function readSettings(raw: Record<string, unknown>): AnthropicSettings {
  const baseUrl = typeof raw.baseUrl === 'string' && raw.baseUrl.trim() !== '' ? raw.baseUrl.trim() : DEFAULT_BASE_URL;
  return {
    // The SDK appends `/v1/...` itself; a pasted `.../v1` would double it.
    baseUrl: baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
    anthropicVersion: typeof raw.anthropicVersion === 'string' && raw.anthropicVersion.trim() !== '' ? raw.anthropicVersion.trim() : DEFAULT_ANTHROPIC_VERSION,
    defaultMaxTokens: integerOr(raw.defaultMaxTokens, 4096, 1),
    timeoutMs: integerOr(raw.timeoutMs, 600_000, 1),
    maxRetries: integerOr(raw.maxRetries, 0, 0),
  };
}
