import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CHILD = fileURLToPath(new URL('./loaded-modules-child.mjs', import.meta.url));

export interface LoadedModules {
  /** URLs of the modules loaded by importing the entry file (in a fresh process). */
  atImport: string[];
  /** URLs loaded afterwards by calling `then` (empty without it). */
  afterCall: string[];
}

/**
 * Which modules importing `entry` loads, in a fresh node process with tsx, and optionally which
 * ones calling `then.exportName(...then.args)` of `then.file` loads after that (args as JSON). For tests that prove a heavy
 * dependency is loaded lazily: the `then` call doubles as the check that the recording sees it.
 */
export async function modulesLoadedBy(entry: string, then?: { file: string; exportName: string; args?: unknown[] }): Promise<LoadedModules> {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-loaded-'));
  const logFile = path.join(dir, 'loaded.txt');
  try {
    const args = ['--no-node-snapshot', '--import', 'tsx', CHILD, entry, logFile, ...(then ? [then.file, then.exportName, JSON.stringify(then.args ?? [])] : [])];
    await promisify(execFile)(process.execPath, args, { cwd: path.dirname(entry), timeout: 60_000 });
    const lines = (await readFile(logFile, 'utf8')).split('\n').filter((line) => line !== '');
    const marker = lines.indexOf('--imported--');
    return { atImport: lines.slice(0, marker), afterCall: lines.slice(marker + 1) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
