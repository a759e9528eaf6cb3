import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPlugins } from './loader';
import { PluginRegistry } from './registry';
import { pluginReloadRequested, watchPlugins, type PluginReloader, type PluginReloadEvent } from './reload';

/* A billing plugin in two files, so a reload must see changes beyond the entry module. */
function writeBillingPlugin(dir: string, opts: { id: string; name: string; charge?: number }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `pkg-${opts.id}`, type: 'module', main: 'index.js', switchyard: { plugin: true } }));
  writeFileSync(path.join(dir, 'name.js'), `export const displayName = ${JSON.stringify(opts.name)};\n`);
  writeFileSync(
    path.join(dir, 'index.js'),
    `import { displayName } from './name.js';
export default {
  manifest: { id: '${opts.id}', kind: 'billing', version: '1.0.0', hostRange: '^0.1.0', name: displayName },
  createRule: () => ({ estimate: () => 0, charge: () => ${opts.charge ?? 0} }),
};\n`,
  );
}

const tempRoots: string[] = [];
const reloaders: PluginReloader[] = [];

function tempPluginDir(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'sy-reload-'));
  tempRoots.push(root);
  const dir = path.join(root, 'plugins');
  mkdirSync(dir);
  return dir;
}

async function setup(pluginDir: string, onReload?: (e: PluginReloadEvent) => void) {
  const registry = new PluginRegistry('0.1.0');
  await loadPlugins(registry, { pluginDirs: [pluginDir] });
  const reloader = await watchPlugins(registry, { pluginDirs: [pluginDir], debounceMs: 20, onReload });
  reloaders.push(reloader);
  return { registry, reloader };
}

/** Resolves with the first reload event of `folder` that satisfies `test`. */
function nextEvent(events: PluginReloadEvent[], waiters: Array<() => void>, test: (e: PluginReloadEvent) => boolean): Promise<PluginReloadEvent> {
  return new Promise((resolve) => {
    const check = () => {
      const found = events.find(test);
      if (found) resolve(found);
      return Boolean(found);
    };
    if (!check()) waiters.push(() => void check());
  });
}

afterEach(async () => {
  for (const r of reloaders.splice(0)) await r.close();
  for (const root of tempRoots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('plugin reload', () => {
  it('picks up a change in any module of the plugin, not only its entry', async () => {
    const dir = tempPluginDir();
    writeBillingPlugin(path.join(dir, 'tiers'), { id: 'tiers', name: 'Tiers v1' });
    const { registry, reloader } = await setup(dir);
    expect(registry.get('billing', 'tiers')?.manifest.name).toBe('Tiers v1');

    writeFileSync(path.join(dir, 'tiers', 'name.js'), `export const displayName = 'Tiers v2';\n`);
    const event = await reloader.reload(path.join(dir, 'tiers'));
    expect(event).toMatchObject({ outcome: 'loaded', before: [{ kind: 'billing', id: 'tiers' }], after: [{ kind: 'billing', id: 'tiers' }] });
    expect(registry.get('billing', 'tiers')?.manifest.name).toBe('Tiers v2');
    expect(registry.refused()).toEqual([]);
  });

  it('reports a broken plugin as refused, keeps the others running, and recovers when fixed', async () => {
    const dir = tempPluginDir();
    writeBillingPlugin(path.join(dir, 'good'), { id: 'good', name: 'Good' });
    writeBillingPlugin(path.join(dir, 'fragile'), { id: 'fragile', name: 'Fragile', charge: 1 });
    const { registry, reloader } = await setup(dir);
    const good = registry.get('billing', 'good');

    // A module that fails naming its own file: the reason must name the plugin's file, not the working copy's.
    writeFileSync(path.join(dir, 'fragile', 'name.js'), "throw new Error('broken at ' + new URL(import.meta.url).pathname);\n");
    const broken = await reloader.reload(path.join(dir, 'fragile'));
    expect(broken.outcome).toBe('refused');
    expect(registry.get('billing', 'fragile')).toBeUndefined();
    expect(registry.refused()).toHaveLength(1);
    expect(registry.refused()[0]).toMatchObject({ name: 'pkg-fragile' });
    expect(registry.refused()[0].reasons[0]).toMatch(/failed to load/);
    expect(registry.refused()[0].reasons[0]).toContain(`broken at ${path.join(realpathSync(dir), 'fragile', 'name.js')}`);
    expect(registry.get('billing', 'good')).toBe(good);

    writeBillingPlugin(path.join(dir, 'fragile'), { id: 'fragile', name: 'Fragile', charge: 2 });
    const fixed = await reloader.reload(path.join(dir, 'fragile'));
    expect(fixed.outcome).toBe('loaded');
    expect(registry.refused()).toEqual([]);
    const rule = registry.get('billing', 'fragile')!.createRule({}, { hostVersion: '0.1.0', logger: console });
    expect(rule.charge({ usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }, {} as never)).toBe(2);
  });

  it('refuses a new version whose manifest is wrong and drops the old one', async () => {
    const dir = tempPluginDir();
    writeBillingPlugin(path.join(dir, 'tiers'), { id: 'tiers', name: 'Tiers' });
    const { registry, reloader } = await setup(dir);
    writeBillingPlugin(path.join(dir, 'tiers'), { id: 'Not An Id', name: 'Tiers' });
    const event = await reloader.reload(path.join(dir, 'tiers'));
    expect(event.outcome).toBe('refused');
    expect(registry.list('billing')).toEqual([]);
    expect(registry.refused()[0].reasons.join(' ')).toMatch(/manifest\.id must match pattern/);
  });

  it('replaces a plugin whose id changed instead of keeping both', async () => {
    const dir = tempPluginDir();
    writeBillingPlugin(path.join(dir, 'tiers'), { id: 'tiers', name: 'Tiers' });
    const { registry, reloader } = await setup(dir);
    writeBillingPlugin(path.join(dir, 'tiers'), { id: 'volume', name: 'Tiers' });
    await reloader.reload(path.join(dir, 'tiers'));
    expect(registry.list('billing').map((p) => p.manifest.id)).toEqual(['volume']);
  });

  it('watches the folders: edits reload, new folders load, deleted folders go away', { timeout: 60_000 }, async () => {
    const dir = tempPluginDir();
    writeBillingPlugin(path.join(dir, 'tiers'), { id: 'tiers', name: 'Tiers v1' });
    const events: PluginReloadEvent[] = [];
    const waiters: Array<() => void> = [];
    const { registry } = await setup(dir, (e) => {
      events.push(e);
      for (const w of waiters) w();
    });

    writeFileSync(path.join(dir, 'tiers', 'name.js'), `export const displayName = 'Tiers v2';\n`);
    await nextEvent(events, waiters, (e) => e.folder.endsWith('tiers') && e.outcome === 'loaded');
    expect(registry.get('billing', 'tiers')?.manifest.name).toBe('Tiers v2');

    writeBillingPlugin(path.join(dir, 'fresh'), { id: 'fresh', name: 'Fresh' });
    await nextEvent(events, waiters, (e) => e.folder.endsWith('fresh') && e.outcome === 'loaded');
    expect(registry.get('billing', 'fresh')?.manifest.name).toBe('Fresh');

    // A directory made after the start is watched too (after the reload its creation caused).
    const tiersLoads = () => events.filter((e) => e.folder.endsWith('tiers') && e.outcome === 'loaded').length;
    const seen = tiersLoads();
    mkdirSync(path.join(dir, 'tiers', 'lib'));
    writeFileSync(path.join(dir, 'tiers', 'lib', 'extra.js'), 'export const extra = 1;\n');
    await nextEvent(events, waiters, () => tiersLoads() > seen);
    const afterNewDir = tiersLoads();
    writeFileSync(path.join(dir, 'tiers', 'lib', 'extra.js'), 'export const extra = 2;\n');
    await nextEvent(events, waiters, () => tiersLoads() > afterNewDir);

    rmSync(path.join(dir, 'fresh'), { recursive: true, force: true });
    await nextEvent(events, waiters, (e) => e.folder.endsWith('fresh') && e.outcome === 'removed');
    expect(registry.get('billing', 'fresh')).toBeUndefined();
    expect(registry.get('billing', 'tiers')).toBeDefined();
  });

  it('leaves no working copies behind once closed', async () => {
    const dir = tempPluginDir();
    writeBillingPlugin(path.join(dir, 'tiers'), { id: 'tiers', name: 'Tiers' });
    const { reloader } = await setup(dir);
    await reloader.reload(path.join(dir, 'tiers'));
    await reloader.reload(path.join(dir, 'tiers'));
    expect(readdirSync(dir).filter((n) => n.startsWith('.sy-reload-'))).toHaveLength(1);
    await reloader.close();
    expect(readdirSync(dir)).toEqual(['tiers']);
  });

  it('is asked for by NODE_ENV=development or SWITCHYARD_PLUGIN_RELOAD', () => {
    expect(pluginReloadRequested({ NODE_ENV: 'development' })).toBe(true);
    expect(pluginReloadRequested({ NODE_ENV: 'production' })).toBe(false);
    expect(pluginReloadRequested({})).toBe(false);
    expect(pluginReloadRequested({ SWITCHYARD_PLUGIN_RELOAD: '1' })).toBe(true);
    expect(pluginReloadRequested({ NODE_ENV: 'development', SWITCHYARD_PLUGIN_RELOAD: '0' })).toBe(false);
  });
});
