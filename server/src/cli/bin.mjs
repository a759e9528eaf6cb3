#!/usr/bin/env node
// The `switchyard` command (server/package.json "bin"): runs the compiled CLI (server/dist/cli.js,
// built by `npm install` or `node server/build.mjs`) with the server's node flags (node-flags.mjs).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILED_FLAGS } from './node-flags.mjs';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`switchyard: ${cli} is missing; build it with \`node server/build.mjs\` (npm install does)\n`);
  process.exit(1);
}
const child = spawn(process.execPath, [...COMPILED_FLAGS, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
