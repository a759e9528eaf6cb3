// The compiled build: plain JavaScript for the server, its packages and the plugins, so a
// production process runs without the TypeScript loader (tsx), which otherwise keeps every
// module's transformed source and source map in memory (about 40 MB of a gateway's RSS).
//
//   node server/build.mjs [--quiet]   (this module is its library; the bench compiles with it too)
//
// Each workspace package (packages/*, plugins/*) is bundled into its own dist/ folder, one file per
// entry of its package.json "exports", with every bare import (npm packages and the other
// @switchyard packages) left as an import. Those resolve at run time through the exports
// condition COMPILED_CONDITION, so each package is loaded once and a class shared between the
// server and a plugin (GatewayError) stays one class. The server's own entries (main, cli) go to
// server/dist/. Run the result with `node --conditions=switchyard-compiled server/dist/main.js`
// (npm start does). Sources stay the truth: tests, tsx and vitest read src/ as before.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILED_CONDITION } from './src/cli/node-flags.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  splitting: true,
  sourcemap: 'linked',
  // No keepNames: it wraps every named closure in a call that redefines the function's name each
  // time the closure is made, and the request path makes many (1.4% of the all-features gateway's
  // CPU at concurrency 32, 2026-11-29). Error classes set their names themselves; a stack frame may
  // show a bundling rename (`toRecord2`), and the linked source map gives the place.
  keepNames: false,
  logLevel: 'warning',
  // Shared chunks sit beside the entries: one flat dist/ per package.
  chunkNames: '[name]-[hash]',
};

/**
 * The entries a package asks to have compiled: each "exports" target with a COMPILED_CONDITION
 * branch (e.g. `{"switchyard-compiled": "./dist/index.js", "default": "./src/index.ts"}`), as
 * { dist name: source path }. Exports without one (test helpers, scaffolding) stay source-only.
 */
export function compiledEntries(dir) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const entries = {};
  for (const target of Object.values(pkg.exports ?? {})) {
    const out = target?.[COMPILED_CONDITION];
    if (typeof out !== 'string' || typeof target.default !== 'string') continue;
    entries[out.replace(/^\.\/dist\//, '').replace(/\.js$/, '')] = path.join(dir, target.default);
  }
  return entries;
}

function workspaceDirs() {
  const dirs = [];
  for (const group of ['packages', 'plugins']) {
    const base = path.join(ROOT, group);
    for (const name of readdirSync(base).sort()) {
      const dir = path.join(base, name);
      if (!name.startsWith('.') && existsSync(path.join(dir, 'package.json'))) dirs.push(dir);
    }
  }
  return dirs;
}

/** Bundles `entryPoints` ({ name: source }) into `outdir`, emptied first. */
export async function compileEntries(outdir, entryPoints) {
  if (Object.keys(entryPoints).length === 0) return;
  rmSync(outdir, { recursive: true, force: true });
  await build({ ...common, entryPoints, outdir });
}

/** The whole compiled build: every workspace package and plugin, then the server. */
export async function compileSwitchyard() {
  const dirs = workspaceDirs();
  await Promise.all(dirs.map((dir) => compileEntries(path.join(dir, 'dist'), compiledEntries(dir))));
  await compileEntries(path.join(ROOT, 'server/dist'), {
    main: path.join(ROOT, 'server/src/main.ts'),
    cli: path.join(ROOT, 'server/src/cli/main.ts'),
  });
  return dirs.length + 1;
}
