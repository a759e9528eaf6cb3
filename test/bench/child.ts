import { spawn, type ChildProcess } from 'node:child_process';
// @ts-expect-error: a plain ES module shared with the `switchyard` launcher, no type declarations
import { COMPILED_FLAGS, NODE_FLAGS } from '../../server/src/cli/node-flags.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ES module (the build script), no type declarations
import { compileEntries, compileSwitchyard } from '../../server/compile.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

export interface Child {
  url: string;
  process: ChildProcess;
  /** What the child printed before `READY` (e.g. the all-features gateway's `CUSTOMER {...}` line). */
  preamble: string;
  /** Calls `listener` with each line the child prints after `READY`; returns the unsubscribe. */
  onLine(listener: (line: string) => void): () => void;
  stop(): Promise<void>;
}

/** BENCH_SOURCE=1 runs the bench's processes from their TypeScript sources through tsx. */
const fromSource = process.env.BENCH_SOURCE === '1';
let compiled: Promise<unknown> | undefined;

/**
 * The command line of one bench process. By default the compiled build, as production runs it:
 * the workspace is compiled once per bench (server/build.mjs), and the script itself is bundled
 * into test/bench/dist/ with its relative imports (the server's modules among them).
 */
async function commandLine(script: string, execArgv: string[]): Promise<string[]> {
  if (fromSource) return [...NODE_FLAGS, ...execArgv, '--import', 'tsx', path.join(HERE, script)];
  // Under vitest, test/global-setup.ts has built the workspace already (and other test files may
  // be reading it).
  compiled ??= process.env.VITEST ? Promise.resolve() : compileSwitchyard();
  await compiled;
  const name = script.replace(/\.ts$/, '');
  const outdir = path.join(HERE, 'dist', name);
  await compileEntries(outdir, { [name]: path.join(HERE, script) });
  return [...COMPILED_FLAGS, ...execArgv, path.join(outdir, `${name}.js`)];
}

/**
 * Runs a bench component in its own Node process (so the load generator, the upstream and the
 * system under test do not share an event loop) and waits for it to print `READY <url>`.
 */
export async function startChild(script: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, await commandLine(script, execArgv), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (data: Buffer) => {
      buffer += data.toString();
      const m = /READY (\S+)\r?\n/.exec(buffer);
      if (!m) return;
      child.stdout!.off('data', onData);
      const listeners = new Set<(line: string) => void>();
      let rest = buffer.slice(m.index + m[0].length);
      child.stdout!.on('data', (more: Buffer) => {
        rest += more.toString();
        const lines = rest.split('\n');
        rest = lines.pop()!;
        for (const line of lines) for (const l of listeners) l(line);
      });
      resolve({
        url: m[1],
        process: child,
        preamble: buffer.slice(0, m.index),
        onLine(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}
