import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeConditions, discoverPlugins, exportTarget, loadPlugins } from './loader';
import { PluginRegistry } from './registry';

function writePackage(dir: string, pkg: object, files: Record<string, string>) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
  for (const [name, body] of Object.entries(files)) writeFileSync(path.join(dir, name), body);
}

const goodPlugin = (id: string) => `export default {
  manifest: { id: '${id}', kind: 'billing', version: '1.0.0', hostRange: '>=0.1.0 <1', name: '${id}' },
  createRule: () => ({ estimate: () => 0, charge: () => 0 }),
};`;

describe('plugin discovery and loading', () => {
  it('finds plugins in plugin folders and among npm dependencies that declare themselves', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sy-plugins-'));
    writePackage(path.join(root, 'plugins/local-one'), { name: 'local-one', type: 'module', main: 'index.js', switchyard: { plugin: true } }, { 'index.js': goodPlugin('local-one') });
    writePackage(path.join(root, 'plugins/not-a-plugin'), { name: 'not-a-plugin', main: 'index.js' }, { 'index.js': '' });
    writePackage(path.join(root, 'node_modules/npm-plugin'), { name: 'npm-plugin', type: 'module', exports: { '.': './main.js', './package.json': './package.json' }, switchyard: { plugin: true } }, { 'main.js': goodPlugin('npm-plugin') });
    writePackage(path.join(root, 'node_modules/left-pad'), { name: 'left-pad', main: 'index.js' }, { 'index.js': '' });
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'host', dependencies: { 'npm-plugin': '1.0.0', 'left-pad': '1.0.0', 'missing-dep': '1.0.0' } }));

    const found = await discoverPlugins({ pluginDirs: [path.join(root, 'plugins')], packageJsonPath: path.join(root, 'package.json') });
    expect(found.map((c) => c.packageName).sort()).toEqual(['local-one', 'npm-plugin']);

    const registry = new PluginRegistry('0.1.0');
    await loadPlugins(registry, { pluginDirs: [path.join(root, 'plugins')], packageJsonPath: path.join(root, 'package.json') });
    expect(registry.list('billing').map((p) => p.manifest.id).sort()).toEqual(['local-one', 'npm-plugin']);
  });

  it('refuses a plugin that fails to import and still loads the rest', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sy-plugins-'));
    writePackage(path.join(root, 'plugins/broken'), { name: 'broken', type: 'module', main: 'index.js', switchyard: { plugin: true } }, { 'index.js': 'throw new Error("boom at import")' });
    writePackage(path.join(root, 'plugins/good'), { name: 'good', type: 'module', main: 'index.js', switchyard: { plugin: true } }, { 'index.js': goodPlugin('good') });
    writePackage(path.join(root, 'plugins/old'), { name: 'old', type: 'module', main: 'index.js', switchyard: { plugin: true } }, {
      'index.js': goodPlugin('old').replace(">=0.1.0 <1", '^9.0.0'),
    });
    const registry = new PluginRegistry('0.1.0');
    await loadPlugins(registry, { pluginDirs: [path.join(root, 'plugins')] });
    expect(registry.list().map((p) => p.manifest.id)).toEqual(['good']);
    const refused = Object.fromEntries(registry.refused().map((r) => [r.name, r.reasons.join('; ')]));
    expect(refused.broken).toMatch(/boom at import/);
    expect(refused.old).toMatch(/needs Switchyard \^9\.0\.0/);
  });

  it('finds nothing in a folder that does not exist', async () => {
    expect(await discoverPlugins({ pluginDirs: ['/nonexistent/plugins'] })).toEqual([]);
  });

  it('imports a plugin from the file its exports name under the active conditions, as Node would', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'sy-plugins-'));
    const exports = { '.': { 'switchyard-compiled': './dist.js', default: './src.js' } };
    writePackage(path.join(root, 'plugins/dual'), { name: 'dual', type: 'module', exports, switchyard: { plugin: true } }, { 'src.js': goodPlugin('dual'), 'dist.js': goodPlugin('dual') });
    const [candidate] = await discoverPlugins({ pluginDirs: [path.join(root, 'plugins')] });
    // This test process runs from sources (no --conditions): the default branch.
    expect(path.basename(candidate.entry)).toBe('src.js');
  });
});

describe('exportTarget', () => {
  const conditions = (...extra: string[]) => new Set(['node', 'import', 'default', ...extra]);
  const target = { types: './x.d.ts', 'switchyard-compiled': './dist/index.js', default: './src/index.ts' };

  it('takes the first branch, in the order written, whose condition is active', () => {
    expect(exportTarget(target, conditions())).toBe('./src/index.ts');
    expect(exportTarget(target, conditions('switchyard-compiled'))).toBe('./dist/index.js');
    expect(exportTarget({ import: { node: './n.js' }, default: './d.js' }, conditions())).toBe('./n.js');
  });

  it('passes over a nested branch that matches nothing, and answers undefined when none matches', () => {
    expect(exportTarget({ import: { browser: './b.js' }, default: './d.js' }, conditions())).toBe('./d.js');
    expect(exportTarget({ browser: './b.js' }, conditions())).toBeUndefined();
    expect(exportTarget('./plain.js', conditions())).toBe('./plain.js');
  });
});

describe('activeConditions', () => {
  it("adds every --conditions and -C form to Node's own", () => {
    expect([...activeConditions(['--conditions=a', '--conditions', 'b', '-C', 'c', '--max-semi-space-size=16'])].sort()).toEqual(['a', 'b', 'c', 'default', 'import', 'node']);
    expect([...activeConditions([])].sort()).toEqual(['default', 'import', 'node']);
  });
});
