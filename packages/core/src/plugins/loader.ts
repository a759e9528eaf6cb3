import { readFile, readdir, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PluginRegistry, PluginSource } from './registry';

/** The package.json field that marks a package as a Switchyard plugin. */
export const PLUGIN_PACKAGE_FIELD = 'switchyard';

export interface PluginCandidate {
  packageName: string;
  /** Absolute, real path of the package directory. */
  dir: string;
  /** Absolute path of the module to import. */
  entry: string;
}

interface PackageJson {
  name?: string;
  main?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  [PLUGIN_PACKAGE_FIELD]?: { plugin?: boolean | string };
}

async function readPackageJson(dir: string): Promise<PackageJson | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

function entryOf(dir: string, pkg: PackageJson): string {
  const marker = pkg[PLUGIN_PACKAGE_FIELD]?.plugin;
  if (typeof marker === 'string') return path.resolve(dir, marker);
  const exp = pkg.exports;
  const dot = typeof exp === 'string' ? exp : typeof exp === 'object' && exp !== null ? (exp as Record<string, unknown>)['.'] : undefined;
  const rel = typeof dot === 'string' ? dot : (typeof dot === 'object' && dot !== null ? ((dot as Record<string, string>).import ?? (dot as Record<string, string>).default) : undefined) ?? pkg.main ?? 'index.js';
  return path.resolve(dir, rel);
}

/** The plugin in one package folder, or undefined when the folder holds none (or is gone). */
export async function candidateAt(dir: string): Promise<PluginCandidate | undefined> {
  const pkg = await readPackageJson(dir);
  if (!pkg?.[PLUGIN_PACKAGE_FIELD]?.plugin) return undefined;
  let real: string;
  try {
    real = await realpath(dir);
  } catch {
    return undefined;
  }
  return { packageName: pkg.name ?? path.basename(dir), dir: real, entry: entryOf(real, pkg) };
}

/**
 * Finds plugins in every folder of `pluginDirs` (e.g. ./plugins/*) and among the npm
 * dependencies of `packageJsonPath` whose package.json declares `"switchyard": {"plugin": true}`.
 * Duplicates (a workspace plugin is both) are reported once.
 */
export async function discoverPlugins(options: { pluginDirs: string[]; packageJsonPath?: string }): Promise<PluginCandidate[]> {
  const found = new Map<string, PluginCandidate>();
  for (const base of options.pluginDirs) {
    let names: string[] = [];
    try {
      // Dot-folders are never plugins: they hold the dev reloader's working copies, among others.
      names = (await readdir(base, { withFileTypes: true }))
        .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const c = await candidateAt(path.join(base, name));
      if (c && !found.has(c.dir)) found.set(c.dir, c);
    }
  }
  if (options.packageJsonPath) {
    const pkg = await readPackageJson(path.dirname(options.packageJsonPath));
    const require = createRequire(options.packageJsonPath);
    for (const dep of Object.keys(pkg?.dependencies ?? {}).sort()) {
      let dir: string | undefined;
      try {
        dir = path.dirname(require.resolve(`${dep}/package.json`));
      } catch {
        continue; // not installed, or package.json not exported: not a plugin we can load
      }
      const c = await candidateAt(dir);
      if (c && !found.has(c.dir)) found.set(c.dir, c);
    }
  }
  return [...found.values()];
}

/** Imports one candidate and registers it; import failures are refusals, not crashes. */
export async function loadCandidate(registry: PluginRegistry, candidate: PluginCandidate, bustCache = false): Promise<boolean> {
  const url = pathToFileURL(candidate.entry).href + (bustCache ? `?t=${Date.now()}` : '');
  return registerModule(registry, candidate, url);
}

/**
 * Imports a plugin module from `url` and registers what it exports (`default`, or `plugin`) as
 * the plugin of `candidate`'s folder. An import failure is a refusal with the reason, never a crash.
 */
export async function registerModule(registry: PluginRegistry, candidate: PluginCandidate, url: string, tidyMessage: (message: string) => string = (m) => m): Promise<boolean> {
  const source: PluginSource = { packageName: candidate.packageName, path: candidate.dir };
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    registry.refuse(candidate.packageName, source, [`failed to load ${candidate.entry}: ${tidyMessage((err as Error).message)}`]);
    return false;
  }
  const plugin = mod.default ?? mod.plugin;
  return registry.register(plugin, source);
}

export async function loadPlugins(registry: PluginRegistry, options: { pluginDirs: string[]; packageJsonPath?: string }): Promise<void> {
  for (const candidate of await discoverPlugins(options)) {
    await loadCandidate(registry, candidate);
  }
}
