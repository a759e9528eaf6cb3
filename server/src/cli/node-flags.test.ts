import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module (the launcher imports it without a build), no type declarations
import { COMPILED_FLAGS, NODE_FLAGS } from './node-flags.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const flags = NODE_FLAGS as string[];
const compiledFlags = COMPILED_FLAGS as string[];

describe('node flags of server processes', () => {
  it('are flags this node accepts', () => {
    expect(execFileSync(process.execPath, [...flags, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' })).toBe('ok');
  });

  it('are the ones npm start, npm run dev, npm run switchyard and the Docker image use', () => {
    const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1];
    expect(entrypoint).toBeDefined();
    const dockerArgs = JSON.parse(entrypoint!) as string[];
    // The compiled build: its flags include the exports condition that selects dist/ over src/.
    expect(compiledFlags).toEqual([...flags, '--conditions=switchyard-compiled']);
    for (const flag of compiledFlags) {
      expect(scripts.start.split(' ')).toContain(flag);
      expect(scripts.switchyard.split(' ')).toContain(flag);
      expect(dockerArgs).toContain(flag);
    }
    for (const flag of flags) expect(scripts.dev.split(' ')).toContain(flag);
    expect(scripts.dev.split(' ')).not.toContain('--conditions=switchyard-compiled');
  });
});
