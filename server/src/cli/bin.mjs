#!/usr/bin/env node
// The `switchyard` command (server/package.json "bin"): runs the TypeScript CLI through tsx, with
// the server's node flags (node-flags.mjs: isolated-vm's --no-node-snapshot, V8 heap sizing).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NODE_FLAGS } from './node-flags.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const child = spawn(process.execPath, [...NODE_FLAGS, '--import', tsx, path.join(here, 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
