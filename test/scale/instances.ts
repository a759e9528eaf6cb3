import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ES module shared with the launchers, no type declarations
import { COMPILED_FLAGS, NODE_FLAGS } from '../../server/src/cli/node-flags.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Instance {
  url: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (logs). */
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the server as `npm start` does (the compiled build, which test/global-setup.ts makes before
 * the suite) as its own process, and waits until it listens. `script`: a TypeScript entry point to
 * run instead, from source (it prints `listening on <url>` when ready).
 */
export function startInstance(env: Record<string, string>, script?: string): Promise<Instance> {
  const args = script ? [...NODE_FLAGS, '--import', 'tsx', script] : [...COMPILED_FLAGS, path.join(ROOT, 'server/dist/main.js')];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      out += data.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && !instance) {
        instance = {
          url: m[1]!,
          process: child,
          output: () => out,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        };
        resolve(instance);
      }
    };
    let instance: Instance | undefined;
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      if (!instance) reject(new Error(`instance exited with ${code} before listening:\n${out.slice(-4000)}`));
    });
  });
}
