import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { access, cp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger, PluginKind } from '@switchyard/spec';
import { candidateAt, registerModule } from './loader';
import type { PluginRegistry } from './registry';

/*
 * Development reload of local plugins: a watcher on the plugin folders re-imports a plugin when
 * its files change and registers the new version in place of the old one.
 *
 * Why a working copy instead of a cache-busting query: an ES module is cached by URL, and a query
 * on the entry (`index.ts?t=2`) re-runs the entry only; its own imports (`./settings`) resolve to
 * the same URLs as before and come from the cache, stale. So each reload copies the plugin folder
 * to a fresh sibling folder `.sy-reload-<name>-<n>` (same depth, so relative imports that leave
 * the folder still resolve; the plugin's node_modules is linked, not copied) and imports from
 * there: a new URL for every file of the plugin, while shared packages (@switchyard/*, SDKs)
 * keep their single instance. Old versions stay in memory until the process ends: this is a
 * development tool. Copies are removed when replaced and when the reloader closes.
 */

const COPY_PREFIX = '.sy-reload-';

export interface PluginRef {
  kind: PluginKind;
  id: string;
}

export interface PluginReloadEvent {
  /** The plugin folder, as found in a plugin dir. */
  folder: string;
  /** What the folder provided before and after the reload. */
  before: PluginRef[];
  after: PluginRef[];
  /** `loaded`; `refused` (reasons in the registry's refused list and the log); `removed` (the folder is gone or no longer a plugin). */
  outcome: 'loaded' | 'refused' | 'removed';
}

export interface PluginReloaderOptions {
  pluginDirs: string[];
  logger?: Logger;
  /** Quiet time after the last change before reloading (editors write files in bursts). Default 150 ms. */
  debounceMs?: number;
  /** Called after each reload, e.g. to rebuild the provider catalog. Errors are logged. */
  onReload?(event: PluginReloadEvent): void | Promise<void>;
}

/** True when the environment asks for plugin reload: NODE_ENV=development or SWITCHYARD_PLUGIN_RELOAD=1. */
export function pluginReloadRequested(env: NodeJS.ProcessEnv): boolean {
  const flag = env.SWITCHYARD_PLUGIN_RELOAD;
  if (flag !== undefined && flag !== '') return flag === '1' || flag.toLowerCase() === 'true';
  return env.NODE_ENV === 'development';
}

const refsOf = (registry: PluginRegistry, dir: string | undefined): PluginRef[] =>
  dir === undefined ? [] : registry.fromSource(dir).map((l) => ({ kind: l.plugin.manifest.kind, id: l.plugin.manifest.id }));

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

/** Paths inside a plugin folder whose change does not change the plugin. */
function ignored(relative: string): boolean {
  const parts = relative.split(path.sep);
  return parts.some((p) => p === 'node_modules' || p.startsWith('.')) || /\.test\.[cm]?[jt]sx?$/.test(relative);
}

export class PluginReloader {
  private readonly baseWatchers: FSWatcher[] = [];
  /** Per plugin folder, one watcher per directory (node_modules and dot-folders left out). */
  private readonly folderWatchers = new Map<string, FSWatcher[]>();
  /** Folder path (as in the plugin dir) -> its real path when it last loaded. */
  private readonly realDirs = new Map<string, string>();
  /** Real path -> the working copy in use. */
  private readonly copies = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private generation = 0;
  private closed = false;

  constructor(
    private readonly registry: PluginRegistry,
    private readonly options: PluginReloaderOptions,
  ) {}

  /** Starts watching the plugin dirs and the plugins found in them now. */
  async start(): Promise<void> {
    for (const base of this.options.pluginDirs) {
      let names: string[];
      try {
        names = (await readdir(base, { withFileTypes: true })).filter((d) => !d.name.startsWith('.')).map((d) => d.name);
      } catch {
        continue; // a plugin dir that does not exist: nothing to watch
      }
      for (const name of names) {
        const folder = path.join(base, name);
        const candidate = await candidateAt(folder);
        if (!candidate) continue;
        this.realDirs.set(folder, candidate.dir);
        this.watchFolder(folder, candidate.dir);
      }
      const watcher = watch(base, (_event, name) => {
        if (name && !name.startsWith('.')) this.schedule(path.join(base, name.toString()));
      });
      watcher.on('error', (err) => this.options.logger?.warn({ dir: base, err: err.message }, 'plugin reload: cannot watch the plugin dir'));
      this.baseWatchers.push(watcher);
    }
    await this.removeStaleCopies();
    this.options.logger?.info({ dirs: this.options.pluginDirs }, 'plugin reload: watching local plugins for changes');
  }

  /** Reloads one plugin folder now (the watcher calls this; tests may too). Reloads of one folder run one at a time. */
  reload(folder: string): Promise<PluginReloadEvent> {
    const previous = this.queues.get(folder) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.reloadNow(folder));
    this.queues.set(folder, next);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const w of this.baseWatchers) w.close();
    for (const list of this.folderWatchers.values()) for (const w of list) w.close();
    this.folderWatchers.clear();
    await Promise.allSettled([...this.queues.values()]);
    await Promise.all([...this.copies.values()].map((c) => rm(c, { recursive: true, force: true })));
    this.copies.clear();
  }

  private schedule(folder: string): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(folder));
    this.timers.set(
      folder,
      setTimeout(() => {
        this.timers.delete(folder);
        this.reload(folder).catch((err: Error) => this.options.logger?.error({ folder, err: err.message }, 'plugin reload failed'));
      }, this.options.debounceMs ?? 150),
    );
  }

  /**
   * Watches every directory of a plugin folder but node_modules and dot-folders (a recursive
   * fs.watch would also walk a plugin's own node_modules, thousands of directories). Called
   * again after each reload, so directories created since are watched too.
   */
  private watchFolder(folder: string, realDir: string): void {
    this.unwatchFolder(folder);
    const watchers: FSWatcher[] = [];
    const walk = (dir: string) => {
      const watcher = watch(dir, (_event, name) => {
        if (name && !ignored(path.relative(realDir, path.join(dir, name.toString())))) this.schedule(folder);
      });
      watcher.on('error', () => watcher.close()); // the directory went away; its parent's watcher saw that
      watchers.push(watcher);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(path.join(dir, entry.name));
      }
    };
    try {
      walk(realDir);
    } catch (err) {
      this.options.logger?.warn({ folder, err: (err as Error).message }, 'plugin reload: cannot watch the plugin folder');
    }
    this.folderWatchers.set(folder, watchers);
  }

  private unwatchFolder(folder: string): void {
    for (const w of this.folderWatchers.get(folder) ?? []) w.close();
    this.folderWatchers.delete(folder);
  }

  private async reloadNow(folder: string): Promise<PluginReloadEvent> {
    const knownDir = this.realDirs.get(folder);
    const before = refsOf(this.registry, knownDir);
    const candidate = await candidateAt(folder);

    if (!candidate) {
      if (knownDir !== undefined) {
        this.registry.removeSource(knownDir);
        await this.dropCopy(knownDir);
      }
      this.realDirs.delete(folder);
      this.unwatchFolder(folder);
      const event: PluginReloadEvent = { folder, before, after: [], outcome: 'removed' };
      // A file or a non-plugin folder that never loaded: nothing depends on it.
      if (knownDir === undefined) return event;
      if (before.length > 0) this.options.logger?.info({ folder, plugins: before }, 'plugin removed');
      await this.notify(event);
      return event;
    }

    this.realDirs.set(folder, candidate.dir);
    this.watchFolder(folder, candidate.dir);
    const previous = this.registry.fromSource(candidate.dir);
    let ok: boolean;
    try {
      const copy = await this.makeCopy(candidate.dir);
      const entry = path.join(copy, path.relative(candidate.dir, candidate.entry));
      // Errors name the plugin's own files, not the working copy's.
      ok = await registerModule(this.registry, candidate, pathToFileURL(entry).href, (m) => m.split(copy).join(candidate.dir));
    } catch (err) {
      this.registry.refuse(candidate.packageName, { packageName: candidate.packageName, path: candidate.dir }, [`could not prepare the reload: ${(err as Error).message}`]);
      ok = false;
    }

    // What the folder provided before and no longer does: a broken version is not kept running
    // (the refusal says why), and a renamed plugin does not leave its old id behind.
    // A new version with the same kind and id has replaced the old one already.
    for (const old of previous) {
      const { kind, id } = old.plugin.manifest;
      if (this.registry.get(kind, id) === old.plugin) this.registry.unregister(kind, id);
    }
    const event: PluginReloadEvent = { folder, before, after: refsOf(this.registry, candidate.dir), outcome: ok ? 'loaded' : 'refused' };
    if (ok) this.options.logger?.info({ folder, plugins: event.after }, 'plugin reloaded');
    await this.notify(event);
    return event;
  }

  private async notify(event: PluginReloadEvent): Promise<void> {
    try {
      await this.options.onReload?.(event);
    } catch (err) {
      this.options.logger?.error({ folder: event.folder, err: (err as Error).message }, 'plugin reload: updating what depends on the plugin failed');
    }
  }

  /** A fresh working copy of the plugin folder, next to it; the previous copy is removed. */
  private async makeCopy(realDir: string): Promise<string> {
    const copy = path.join(path.dirname(realDir), `${COPY_PREFIX}${path.basename(realDir)}-${process.pid}-${++this.generation}`);
    await mkdir(copy, { recursive: true });
    // Keeps the copy out of `git status` while it exists.
    await writeFile(path.join(copy, '.gitignore'), '*\n');
    await cp(realDir, copy, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(realDir, src);
        return rel === '' || !rel.split(path.sep).some((p) => p === 'node_modules' || p === '.git');
      },
    });
    if (await exists(path.join(realDir, 'node_modules'))) await symlink(path.join(realDir, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    const old = this.copies.get(realDir);
    this.copies.set(realDir, copy);
    if (old) await rm(old, { recursive: true, force: true });
    return copy;
  }

  private async dropCopy(realDir: string): Promise<void> {
    const copy = this.copies.get(realDir);
    this.copies.delete(realDir);
    if (copy) await rm(copy, { recursive: true, force: true });
  }

  /** Copies left behind by a process that did not close its reloader. */
  private async removeStaleCopies(): Promise<void> {
    const dirs = new Set(this.options.pluginDirs);
    for (const dir of this.realDirs.values()) dirs.add(path.dirname(dir));
    for (const dir of dirs) {
      let names: string[] = [];
      try {
        names = (await readdir(dir)).filter((n) => n.startsWith(COPY_PREFIX));
      } catch {
        continue;
      }
      for (const name of names) {
        const pid = Number(/-(\d+)-\d+$/.exec(name)?.[1]);
        if (pid !== process.pid && !processAlive(pid)) await rm(path.join(dir, name), { recursive: true, force: true });
      }
    }
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a reloader on the plugin dirs: the development mode of plugin loading. */
export async function watchPlugins(registry: PluginRegistry, options: PluginReloaderOptions): Promise<PluginReloader> {
  const reloader = new PluginReloader(registry, options);
  await reloader.start();
  return reloader;
}
