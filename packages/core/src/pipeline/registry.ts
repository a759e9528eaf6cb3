import type { HandleSpec, NodePlugin, NodeTypeDefinition, NodeTypeManifest } from '@switchyard/spec';
import type { PluginRegistry } from '../plugins';
import { manifestKey } from './format';
import { compileParamsSchema } from './params-schema';

/*
 * The node types a server can run: the built-ins plus those of `node` plugins. Several
 * typeVersions of one type live side by side, so pipelines saved against an old version keep
 * working. The editor gets `manifests()`; the compiler gets definitions with `get()`.
 */

export interface RegisteredNodeType {
  definition: NodeTypeDefinition;
  /** `builtin`, or the id of the plugin that brought it. */
  source: string;
}

const TYPE_RE = /^[a-z][a-z0-9]*(?:[._/-][a-z0-9]+)*$/;

function checkHandles(list: unknown, where: 'inputs' | 'outputs', problems: string[]): void {
  if (!Array.isArray(list)) {
    problems.push(`manifest.${where} must be an array`);
    return;
  }
  const ids = new Set<string>();
  (list as HandleSpec[]).forEach((h, i) => {
    if (typeof h?.id !== 'string' || h.id === '' || typeof h.type !== 'string' || h.type === '') {
      problems.push(`manifest.${where}[${i}] needs a string id and type`);
      return;
    }
    if (ids.has(h.id)) problems.push(`manifest.${where} has handle '${h.id}' twice`);
    ids.add(h.id);
    if (h.repeat !== undefined && (where === 'inputs' || typeof h.repeat !== 'string')) {
      problems.push(`manifest.${where}[${i}].repeat is only allowed on outputs, as a param name`);
    }
  });
}

/** Reasons a node type definition is refused (empty when it is fine). */
export function checkNodeTypeDefinition(def: unknown): string[] {
  const problems: string[] = [];
  const d = def as Partial<NodeTypeDefinition> | null;
  const m = d?.manifest as Partial<NodeTypeManifest> | undefined;
  if (!m || typeof m !== 'object') return ['a node type needs a manifest'];
  if (typeof m.type !== 'string' || !TYPE_RE.test(m.type)) problems.push(`manifest.type '${String(m.type)}' must be lowercase words joined by . _ / or -`);
  if (typeof m.typeVersion !== 'number' || !Number.isInteger(m.typeVersion) || m.typeVersion < 1) problems.push('manifest.typeVersion must be a positive integer');
  if (typeof m.title !== 'string' || m.title === '') problems.push('manifest.title is required');
  if (typeof m.category !== 'string' || m.category === '') problems.push('manifest.category is required');
  if (!m.paramsSchema || typeof m.paramsSchema !== 'object') {
    problems.push('manifest.paramsSchema must be a JSON Schema object');
  } else {
    try {
      compileParamsSchema(m.paramsSchema);
    } catch (err) {
      problems.push(`manifest.paramsSchema is not a valid JSON Schema: ${(err as Error).message}`);
    }
  }
  checkHandles(m.inputs, 'inputs', problems);
  checkHandles(m.outputs, 'outputs', problems);
  if (typeof d?.execute !== 'function') problems.push('execute must be a function');
  if (d?.prepare !== undefined && typeof d.prepare !== 'function') problems.push('prepare must be a function');
  if (d?.dispose !== undefined && typeof d.dispose !== 'function') problems.push('dispose must be a function');
  return problems;
}

type Listener = () => void;

export class NodeTypeRegistry {
  private readonly types = new Map<string, RegisteredNodeType>();
  private manifestList: readonly NodeTypeManifest[] | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(builtins: readonly NodeTypeDefinition[] = []) {
    for (const def of builtins) {
      const problems = this.register(def, 'builtin');
      if (problems.length > 0) throw new Error(`built-in node type ${def.manifest?.type}: ${problems.join('; ')}`);
    }
  }

  /** Adds one node type; returns why it was refused (empty when added). */
  register(def: NodeTypeDefinition, source: string): string[] {
    const problems = checkNodeTypeDefinition(def);
    if (problems.length > 0) return problems;
    const key = manifestKey(def.manifest.type, def.manifest.typeVersion);
    const existing = this.types.get(key);
    if (existing && existing.source !== source) return [`node type ${key} is already provided by ${existing.source}`];
    this.types.set(key, { definition: def, source });
    this.changed();
    return [];
  }

  /** Adds every node type of a plugin, all or nothing. */
  addPlugin(plugin: NodePlugin): string[] {
    const id = plugin.manifest.id;
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const def of plugin.nodeTypes) {
      const own = checkNodeTypeDefinition(def);
      const key = own.length === 0 ? manifestKey(def.manifest.type, def.manifest.typeVersion) : undefined;
      if (key && seen.has(key)) own.push(`node type ${key} is listed twice`);
      if (key) seen.add(key);
      const existing = key ? this.types.get(key) : undefined;
      if (existing && existing.source !== id) own.push(`node type ${key} is already provided by ${existing.source}`);
      problems.push(...own.map((p) => `${def?.manifest?.type ?? '?'}: ${p}`));
    }
    if (problems.length > 0) return problems;
    this.removePlugin(id, false);
    for (const def of plugin.nodeTypes) this.types.set(manifestKey(def.manifest.type, def.manifest.typeVersion), { definition: def, source: id });
    this.changed();
    return [];
  }

  removePlugin(pluginId: string, notify = true): void {
    let removed = false;
    for (const [key, t] of this.types) {
      if (t.source === pluginId) {
        this.types.delete(key);
        removed = true;
      }
    }
    if (removed && notify) this.changed();
  }

  get(type: string, typeVersion: number): NodeTypeDefinition | undefined {
    return this.types.get(manifestKey(type, typeVersion))?.definition;
  }

  entries(): RegisteredNodeType[] {
    return [...this.types.values()];
  }

  /** Every manifest, for the editor's palette and for validatePipeline. Same array until something changes. */
  manifests(): readonly NodeTypeManifest[] {
    this.manifestList ??= [...this.types.values()].map((t) => t.definition.manifest);
    return this.manifestList;
  }

  /**
   * Follows the node plugins of a plugin registry: adds them now and whenever plugins change.
   * Returns the function that stops following. Refusals are returned through `onRefused`.
   */
  follow(plugins: PluginRegistry, onRefused?: (pluginId: string, reasons: string[]) => void): () => void {
    const sync = () => {
      const current = new Set<string>();
      for (const plugin of plugins.list('node')) {
        current.add(plugin.manifest.id);
        const known = this.entries().filter((e) => e.source === plugin.manifest.id).map((e) => e.definition);
        const same = known.length === plugin.nodeTypes.length && plugin.nodeTypes.every((d) => known.includes(d));
        if (same) continue;
        const reasons = this.addPlugin(plugin);
        if (reasons.length > 0) onRefused?.(plugin.manifest.id, reasons);
      }
      for (const e of this.entries()) if (e.source !== 'builtin' && !current.has(e.source)) this.removePlugin(e.source);
    };
    sync();
    return plugins.onChange(sync);
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.manifestList = undefined;
    for (const l of this.listeners) l();
  }
}
