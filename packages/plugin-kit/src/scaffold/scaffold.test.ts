import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { HOST_VERSION, loadPlugins, PluginRegistry } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWITCHYARD_ROOT } from '../testing/gateway';
import { runScaffoldCli } from './cli-main';
import { SCAFFOLD_KINDS } from './names';
import { scaffoldPlugin, type ScaffoldResult } from './scaffold';

const run = promisify(execFile);

/*
 * The scaffold is tested the way an author uses it: generate each kind into a fresh plugins
 * folder, then run the generated package's own tests (`vitest run` inside it, as `npm test`
 * does) in a child process. The temp folder gets a node_modules link to this checkout's, which
 * is what an installed workspace gives a plugin folder.
 */
describe('plugin scaffold', () => {
  let root: string;
  let pluginsDir: string;
  const made = new Map<string, ScaffoldResult>();

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'sy-scaffold-'));
    pluginsDir = path.join(root, 'plugins');
    mkdirSync(pluginsDir);
    symlinkSync(path.join(SWITCHYARD_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    for (const kind of SCAFFOLD_KINDS) made.set(kind, await scaffoldPlugin({ kind, name: `acme-${kind}s`, pluginsDir }));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes a plugin package for each kind', () => {
    for (const kind of SCAFFOLD_KINDS) {
      const result = made.get(kind)!;
      expect(result.dir).toBe(path.join(pluginsDir, `${kind}-acme-${kind}s`));
      expect(result.files).toEqual(expect.arrayContaining(['package.json', 'src/index.ts', 'README.md', 'vitest.config.ts']));
      expect(result.files.some((f) => f.endsWith('.test.ts'))).toBe(true);
      const pkg = JSON.parse(readFileSync(path.join(result.dir, 'package.json'), 'utf8'));
      expect(pkg).toMatchObject({ name: `@switchyard/${kind}-acme-${kind}s`, type: 'module', switchyard: { plugin: true }, dependencies: { '@switchyard/plugin-kit': '0.1.0' } });
    }
  });

  it('makes plugins the server loader accepts as they are, without npm install', async () => {
    const registry = new PluginRegistry(HOST_VERSION);
    await loadPlugins(registry, { pluginDirs: [pluginsDir] });
    expect(registry.refused()).toEqual([]);
    expect(registry.list().map((p) => `${p.manifest.kind}:${p.manifest.id}`).sort()).toEqual(SCAFFOLD_KINDS.map((k) => `${k}:acme-${k}s`).sort());
    for (const plugin of registry.list()) {
      if (plugin.manifest.kind === 'node') continue; // node settings are per node, in paramsSchema
      expect(plugin.manifest.settingsSchema).toMatchObject({ type: 'object' });
    }
  });

  it('makes plugins the compiled build compiles and a compiled server loads', async () => {
    const { compileEntries, compiledEntries } = await import(path.join(SWITCHYARD_ROOT, 'server/compile.mjs'));
    for (const { dir } of made.values()) await compileEntries(path.join(dir, 'dist'), compiledEntries(dir));
    // A process like `npm start`'s: the compiled condition, no TypeScript loader.
    const { COMPILED_FLAGS } = await import(path.join(SWITCHYARD_ROOT, 'server/src/cli/node-flags.mjs'));
    const script = `import { HOST_VERSION, loadPlugins, PluginRegistry } from '@switchyard/core';
      const registry = new PluginRegistry(HOST_VERSION);
      await loadPlugins(registry, { pluginDirs: [${JSON.stringify(pluginsDir)}] });
      process.stdout.write(JSON.stringify({ loaded: registry.list().map((p) => p.manifest.id).sort(), refused: registry.refused() }));`;
    const { stdout } = await run(process.execPath, [...COMPILED_FLAGS, '--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({ loaded: SCAFFOLD_KINDS.map((k) => `acme-${k}s`).sort(), refused: [] });
  });

  it.each(SCAFFOLD_KINDS)('%s: the generated package passes its own tests', async (kind) => {
    const dir = made.get(kind)!.dir;
    const vitest = path.join(SWITCHYARD_ROOT, 'node_modules/vitest/vitest.mjs');
    const { stdout } = await run(process.execPath, [vitest, 'run', '--reporter=dot'], {
      cwd: dir,
      env: { ...process.env, NODE_ENV: 'test', CI: 'true', NO_COLOR: '1' },
      maxBuffer: 8 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the generated ${kind} plugin's tests failed:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
    });
    const summary = stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(summary).toMatch(/Tests\s+\d+ passed/);
    expect(summary).not.toMatch(/failed|skipped/);
  }, 120_000); // a child vitest starting a gateway: slow on a busy machine, not a timing check

  it('generates code that type-checks under the repository settings', async () => {
    writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(SWITCHYARD_ROOT, 'tsconfig.json'), compilerOptions: { typeRoots: [path.join(SWITCHYARD_ROOT, 'node_modules/@types')] }, include: ['plugins/*/src'] }),
    );
    const tsc = path.join(SWITCHYARD_ROOT, 'node_modules/typescript/bin/tsc');
    const output = await run(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', path.join(root, 'tsconfig.json')], { cwd: root, maxBuffer: 8 * 1024 * 1024 }).then(
      () => '',
      (err: { stdout?: string; message: string }) => err.stdout ?? err.message,
    );
    // Only the generated files are this test's business (the checkout's own files are type-checked on their own).
    const ours = output.split('\n').filter((line) => line.startsWith('plugins/'));
    expect(ours).toEqual([]);
  }, 120_000);

  it('refuses bad kinds, bad names and existing folders with a clear message, and writes nothing', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const cli = (...argv: string[]) => runScaffoldCli(argv, { pluginsDir, cwd: root }, io);

    expect(await cli('widget', 'acme')).toBe(1);
    expect(lines.pop()).toMatch(/unknown plugin kind 'widget'/);
    expect(await cli('node', 'Acme_Nodes')).toBe(1);
    expect(lines.pop()).toMatch(/must be lowercase letters and digits/);
    expect(await cli('node', 'a')).toBe(1);
    expect(lines.pop()).toMatch(/2 to 40 characters/);
    expect(await cli('auth', 'auth-sso')).toBe(1);
    expect(lines.pop()).toMatch(/leave the kind out of the name.*use 'sso'/);
    expect(await cli('node', 'acme-nodes')).toBe(1);
    expect(lines.pop()).toMatch(/node-acme-nodes already exists/);
    expect(await cli('node')).toBe(2);
    expect(lines.pop()).toMatch(/^usage: npm run plugin:new/);
    expect(await cli('node', 'x-y', '--package', 'Not A Name')).toBe(1);
    expect(lines.pop()).toMatch(/not a valid npm package name/);
  });

  it('creates into another folder with its own package name, and says what it made', async () => {
    const lines: string[] = [];
    const code = await runScaffoldCli(['billing', 'flat-fee', '--dir', 'elsewhere', '--package', '@acme/switchyard-flat-fee'], { pluginsDir, cwd: root }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(code).toBe(0);
    expect(lines[0]).toBe(`created billing plugin 'flat-fee' in ${path.join('elsewhere', 'billing-flat-fee')}:`);
    const pkg = JSON.parse(readFileSync(path.join(root, 'elsewhere/billing-flat-fee/package.json'), 'utf8'));
    expect(pkg.name).toBe('@acme/switchyard-flat-fee');
  });
});
