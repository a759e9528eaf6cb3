import type { AuthMethod, JsonSchema, Logger } from '@switchyard/spec';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv } from '../json-schema';
import type { PluginRegistry } from './registry';

/** An auth plugin switched on for this server, with its settings. */
export interface EnabledAuthPlugin {
  /** The auth plugin's manifest id. */
  plugin: string;
  settings?: Record<string, unknown>;
}

const ajv = createAjv({ useDefaults: true });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

function validate(schema: JsonSchema | undefined, settings: Record<string, unknown>): string[] {
  if (!schema) return [];
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  if (fn(settings)) return [];
  return (fn.errors ?? []).map((e) => `${e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(settings)'} ${e.message}`);
}

/**
 * Builds the auth methods of the enabled auth plugins, in order, for the auth chain. Settings are
 * validated against the plugin's schema (defaults filled in) before `createAuth` sees them. A
 * plugin that is missing, has invalid settings or fails to start is logged and left out: its
 * callers then get 401, the server keeps running for everyone else.
 */
export function createAuthMethods(
  registry: PluginRegistry,
  enabled: readonly EnabledAuthPlugin[],
  ctx: { logger: Logger; services?: Record<string, unknown> },
): Array<{ id: string; method: AuthMethod }> {
  const methods: Array<{ id: string; method: AuthMethod }> = [];
  for (const entry of enabled) {
    const plugin = registry.get('auth', entry.plugin);
    if (!plugin) {
      ctx.logger.error({ plugin: entry.plugin }, `auth plugin '${entry.plugin}' is enabled but not loaded (see GET /api/plugins)`);
      continue;
    }
    const settings = structuredClone(entry.settings ?? {});
    const problems = validate(plugin.manifest.settingsSchema, settings);
    if (problems.length > 0) {
      ctx.logger.error({ plugin: entry.plugin, problems }, `auth plugin '${entry.plugin}' has invalid settings; it is not used`);
      continue;
    }
    try {
      methods.push({ id: entry.plugin, method: plugin.createAuth(settings, { hostVersion: registry.hostVersion, logger: ctx.logger, services: ctx.services ?? {} }) });
    } catch (err) {
      ctx.logger.error({ plugin: entry.plugin, err: (err as Error).message }, `auth plugin '${entry.plugin}' failed to start; it is not used`);
    }
  }
  return methods;
}
