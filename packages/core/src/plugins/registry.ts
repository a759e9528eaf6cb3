import type { AnyPlugin, AuthPlugin, BillingPlugin, Logger, NodePlugin, PluginKind, ProviderPlugin } from '@switchyard/spec';
import { checkPlugin } from './manifest';

type PluginOfKind<K extends PluginKind> = K extends 'provider'
  ? ProviderPlugin
  : K extends 'auth'
    ? AuthPlugin
    : K extends 'billing'
      ? BillingPlugin
      : NodePlugin;

/** Where a plugin came from, for the console's plugins page and log lines. */
export interface PluginSource {
  packageName?: string;
  path?: string;
}

export interface LoadedPlugin {
  plugin: AnyPlugin;
  source: PluginSource;
}

export interface RefusedPlugin {
  /** The manifest id when it could be read, else the package name or path. */
  name: string;
  source: PluginSource;
  reasons: string[];
}

type Listener = () => void;

/** Holds the accepted plugins by kind and id, and the refused ones with their reasons. */
export class PluginRegistry {
  private readonly plugins = new Map<string, LoadedPlugin>();
  private readonly refusedByName = new Map<string, RefusedPlugin>();
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly hostVersion: string,
    private readonly logger?: Logger,
  ) {}

  /** Validates and adds a plugin; a bad one is refused with a log line and never throws. */
  register(plugin: unknown, source: PluginSource = {}): boolean {
    const reasons = checkPlugin(plugin, this.hostVersion);
    const manifest = (plugin as AnyPlugin | undefined)?.manifest;
    const name = typeof manifest?.id === 'string' ? manifest.id : (source.packageName ?? source.path ?? 'unknown');
    if (reasons.length === 0) {
      const key = `${manifest!.kind}:${manifest!.id}`;
      const existing = this.plugins.get(key);
      if (existing && existing.source.path !== source.path) {
        reasons.push(`a ${manifest!.kind} plugin with id '${manifest!.id}' is already loaded from ${existing.source.packageName ?? existing.source.path}`);
      }
    }
    if (reasons.length > 0) {
      this.refuse(name, source, reasons);
      return false;
    }
    const p = plugin as AnyPlugin;
    this.refusedByName.delete(name);
    // A folder that loads again after a refusal (a fixed plugin, reloaded) is no longer refused.
    if (source.path !== undefined) this.dropRefusals(source.path);
    this.plugins.set(`${p.manifest.kind}:${p.manifest.id}`, { plugin: p, source });
    this.logger?.info({ plugin: p.manifest.id, kind: p.manifest.kind, version: p.manifest.version }, 'plugin loaded');
    this.emit();
    return true;
  }

  refuse(name: string, source: PluginSource, reasons: string[]): void {
    // One folder has one current refusal: the latest attempt to load it.
    if (source.path !== undefined) this.dropRefusals(source.path);
    this.refusedByName.set(name, { name, source, reasons });
    this.logger?.error({ plugin: name, source: source.packageName ?? source.path, reasons }, `plugin refused: ${name}: ${reasons.join('; ')}`);
    this.emit();
  }

  unregister(kind: PluginKind, id: string): void {
    if (this.plugins.delete(`${kind}:${id}`)) this.emit();
  }

  /** Forgets everything that came from one folder (plugins and refusals), e.g. when it was deleted. */
  removeSource(sourcePath: string): void {
    let changed = this.dropRefusals(sourcePath);
    for (const [key, loaded] of this.plugins) {
      if (loaded.source.path === sourcePath) {
        this.plugins.delete(key);
        changed = true;
      }
    }
    if (changed) this.emit();
  }

  /** The plugins loaded from one folder. */
  fromSource(sourcePath: string): LoadedPlugin[] {
    return [...this.plugins.values()].filter((l) => l.source.path === sourcePath);
  }

  private dropRefusals(sourcePath: string): boolean {
    let dropped = false;
    for (const [name, r] of this.refusedByName) {
      if (r.source.path === sourcePath) {
        this.refusedByName.delete(name);
        dropped = true;
      }
    }
    return dropped;
  }

  get<K extends PluginKind>(kind: K, id: string): PluginOfKind<K> | undefined {
    return this.plugins.get(`${kind}:${id}`)?.plugin as PluginOfKind<K> | undefined;
  }

  list<K extends PluginKind>(kind?: K): PluginOfKind<K>[] {
    const all = [...this.plugins.values()].map((l) => l.plugin);
    return (kind ? all.filter((p) => p.manifest.kind === kind) : all) as PluginOfKind<K>[];
  }

  entries(): LoadedPlugin[] {
    return [...this.plugins.values()];
  }

  refused(): RefusedPlugin[] {
    return [...this.refusedByName.values()];
  }

  /** Called after any change (load, refusal, unload), e.g. to rebuild the node palette. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
