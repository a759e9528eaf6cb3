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
  const dot = typeof exp === 'string' || isConditionMap(exp) ? exp : typeof exp === 'object' && exp !== null ? (exp as Record<string, unknown>)['.'] : undefined;
  return path.resolve(dir, exportTarget(dot, activeConditions()) ?? pkg.main ?? 'index.js');
}

/** An "exports" value that is a map of conditions rather than of subpaths (no key starts with "."). */
function isConditionMap(exp: unknown): boolean {
  return typeof exp === 'object' && exp !== null && !Array.isArray(exp) && Object.keys(exp).every((k) => !k.startsWith('.'));
}

/**
 * The file an "exports" target names under `conditions`, as Node resolves it: the first branch,
 * in the order written, whose condition is active. So a plugin is imported from the same file
 * (its compiled build or its sources) as a bare import of it would be.
 */
export function exportTarget(target: unknown, conditions: ReadonlySet<string>): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return undefined;
  for (const [condition, branch] of Object.entries(target)) {
    if (!conditions.has(condition)) continue;
    const found = exportTarget(branch, conditions);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The exports conditions of this process: Node's own for an import, plus any --conditions / -C. */
export function activeConditions(execArgv: readonly string[] = [...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv]): Set<string> {
  const conditions = new Set(['node', 'import', 'default']);
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i];
    const m = /^(?:--conditions(?:=(.*))?|-C)$/.exec(arg);
    if (!m) continue;
    const value = m[1] ?? execArgv[++i];
    if (value) conditions.add(value);
  }
  return conditions;
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
    const typescriptUnloadable = (err as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[mc]?tsx?$/.test(candidate.entry);
    const hint = typescriptUnloadable ? ' (this process runs without a TypeScript loader: give the package a compiled entry, see docs/plugins.md "The compiled build", or run from sources with `npm run dev`)' : '';
    registry.refuse(candidate.packageName, source, [`failed to load ${candidate.entry}: ${tidyMessage((err as Error).message)}${hint}`]);
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
