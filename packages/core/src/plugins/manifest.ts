import { createAjv } from '../json-schema';
import semver from 'semver';
import type { AnyPlugin, PluginKind, PluginManifest } from '@switchyard/spec';

export const PLUGIN_KINDS: readonly PluginKind[] = ['provider', 'auth', 'billing', 'node'];

const manifestSchema = {
  type: 'object',
  required: ['id', 'kind', 'version', 'hostRange', 'name'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' },
    kind: { enum: PLUGIN_KINDS },
    version: { type: 'string', minLength: 1 },
    hostRange: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    description: { type: 'string' },
    settingsSchema: { type: 'object' },
    credentialSchema: { type: 'object' },
  },
};

const ajv = createAjv();
const validateShape = ajv.compile(manifestSchema);

/** The functions each kind must export besides its manifest. */
const REQUIRED_MEMBERS: Record<PluginKind, string> = {
  provider: 'createProvider',
  auth: 'createAuth',
  billing: 'createRule',
  node: 'nodeTypes',
};

/**
 * Checks a plugin's manifest and shape against the host. Returns the reasons it is refused
 * (an empty list means it is acceptable).
 */
export function checkPlugin(plugin: unknown, hostVersion: string): string[] {
  if (typeof plugin !== 'object' || plugin === null) return ['the module does not export a plugin object'];
  const manifest = (plugin as { manifest?: unknown }).manifest;
  if (!validateShape(manifest)) {
    return (validateShape.errors ?? []).map((e) => `manifest${e.instancePath.replace(/\//g, '.')} ${e.message}`);
  }
  const m = manifest as unknown as PluginManifest;
  const problems: string[] = [];
  if (!semver.valid(m.version)) problems.push(`manifest.version '${m.version}' is not a semver version`);
  if (!semver.validRange(m.hostRange)) {
    problems.push(`manifest.hostRange '${m.hostRange}' is not a semver range`);
  } else if (!semver.satisfies(hostVersion, m.hostRange, { includePrerelease: true })) {
    problems.push(`needs Switchyard ${m.hostRange}, this host is ${hostVersion}`);
  }
  for (const key of ['settingsSchema', 'credentialSchema'] as const) {
    const schema = m[key];
    if (schema === undefined) continue;
    try {
      ajv.compile(schema);
    } catch (err) {
      problems.push(`manifest.${key} is not a valid JSON Schema: ${(err as Error).message}`);
    }
  }
  const member = REQUIRED_MEMBERS[m.kind];
  const value = (plugin as Record<string, unknown>)[member];
  if (m.kind === 'node' ? !Array.isArray(value) : typeof value !== 'function') {
    problems.push(`a ${m.kind} plugin must export ${member}`);
  }
  return problems;
}

export function isPlugin(value: unknown): value is AnyPlugin {
  return typeof value === 'object' && value !== null && 'manifest' in value;
}
