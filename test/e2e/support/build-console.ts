import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const WEB = path.join(REPO_ROOT, 'web');
const INDEX = path.join(WEB, 'dist/index.html');
/** What the console bundle is built from: its sources, and the browser-safe pipeline code it imports. */
const SOURCES = [path.join(WEB, 'src'), path.join(WEB, 'index.html'), path.join(WEB, 'vite.config.ts'), path.join(REPO_ROOT, 'packages/core/src/pipeline'), path.join(REPO_ROOT, 'packages/spec/src')];
const LOCK = path.join(WEB, '.build-lock');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function consoleIsStale(): boolean {
  if (!existsSync(INDEX)) return true;
  const built = statSync(INDEX).mtimeMs;
  return SOURCES.some((s) => newestMtime(s) > built);
}

async function withLock<T>(fn: () => T): Promise<T> {
  // mkdir is atomic: one e2e file builds while the others wait. A lock older than 5 minutes was left by a crash.
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 300_000) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * The e2e tests drive the built console that the server serves from web/dist. `npm install`
 * builds it (postinstall); this rebuilds it when it is missing or older than its sources, so a
 * test never runs against a stale bundle.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  if (!consoleIsStale()) return;
  await withLock(() => {
    if (!consoleIsStale()) return; // another file built it while we waited
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: WEB, stdio: 'pipe' });
  });
}
