import { existsSync, readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** The optional config-as-code file (SWITCHYARD_CONFIG). Documented in docs/configuration.md. */
export interface ConfigFile {
  providers: Array<{
    id: string;
    plugin: string;
    name?: string;
    enabled?: boolean;
    settings?: Record<string, unknown>;
    credentials?: Array<{ name: string; weight?: number; secret: Record<string, string> }>;
  }>;
  models: Array<{ id: string; provider: string; upstreamModel?: string; aliases?: string[]; capabilities?: string[] }>;
  /** Pipelines declared as code; read by the pipelines feature. */
  pipelines: Array<Record<string, unknown>>;
  /** Auth plugins to enable (after the built-in admin key, API keys, sessions and OAuth), with their settings. */
  auth?: Array<{ plugin: string; settings?: Record<string, unknown> }>;
}

const ID = '^[a-z0-9][a-z0-9_.-]{0,63}$';

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    providers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'plugin'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', pattern: ID },
          plugin: { type: 'string' },
          name: { type: 'string' },
          enabled: { type: 'boolean' },
          settings: { type: 'object' },
          credentials: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'secret'],
              additionalProperties: false,
              properties: {
                name: { type: 'string', pattern: ID },
                weight: { type: 'integer', minimum: 0 },
                secret: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    models: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'provider'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          provider: { type: 'string' },
          upstreamModel: { type: 'string' },
          aliases: { type: 'array', items: { type: 'string' } },
          capabilities: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    pipelines: { type: 'array', items: { type: 'object' } },
    auth: {
      type: 'array',
      items: {
        type: 'object',
        required: ['plugin'],
        additionalProperties: false,
        properties: { plugin: { type: 'string', minLength: 1 }, settings: { type: 'object' } },
      },
    },
  },
};

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

/**
 * Replaces `${NAME}` (and `${NAME:-default}`) in every string with the environment's value, so
 * secrets stay in the environment and out of the file. A missing variable is an error that
 * names the variable, never a value.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, where = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new Error(`config: ${where || 'a value'} refers to environment variable ${name}, which is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, where ? `${where}.${k}` : k)]));
  }
  return value;
}

export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env, source = 'config'): ConfigFile {
  const raw = (yaml.load(text) ?? {}) as unknown;
  if (!validate(raw)) {
    const details = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`${source} is invalid: ${details}`);
  }
  const cfg = interpolateEnv(raw, env) as Partial<ConfigFile>;
  return { providers: cfg.providers ?? [], models: cfg.models ?? [], pipelines: cfg.pipelines ?? [], ...(cfg.auth ? { auth: cfg.auth } : {}) };
}

/** Reads the file if present; a missing file is fine unless the path was given explicitly. */
export function loadConfigFile(file: string, explicit: boolean, env: NodeJS.ProcessEnv = process.env): ConfigFile | undefined {
  if (!existsSync(file)) {
    if (explicit) throw new Error(`SWITCHYARD_CONFIG points to ${file}, which does not exist`);
    return undefined;
  }
  return parseConfig(readFileSync(file, 'utf8'), env, file);
}
