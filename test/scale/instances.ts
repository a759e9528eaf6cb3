import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Instance {
  url: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far (logs). */
  output(): string;
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `npm start`'s entry point (server/src/main.ts) as its own process and waits until it listens. */
export function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', path.join(ROOT, 'server/src/main.ts')], {
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
