import { spawn, type ChildProcess } from 'node:child_process';
// @ts-expect-error: a plain ES module shared with the `switchyard` launcher, no type declarations
import { NODE_FLAGS } from '../../server/src/cli/node-flags.mjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Runs a bench component in its own Node process (so the load generator, the upstream and the
 * system under test do not share an event loop) and waits for it to print `READY <url>`.
 */
export function startChild(script: string, env: Record<string, string> = {}, execArgv: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [...NODE_FLAGS, ...execArgv, '--import', 'tsx', path.join(HERE, script)], {
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
