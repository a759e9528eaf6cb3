// Child process of loaded-modules.ts: records every module loaded by importing an entry file,
// then (optionally) by calling one export of another file with JSON arguments. Run with `--import tsx`.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const [entry, logFile, thenFile, thenExport, thenArgs = '[]'] = process.argv.slice(2);
register(new URL('./record-loads-hooks.mjs', import.meta.url), { data: { logFile } });
await import(pathToFileURL(entry).href);
appendFileSync(logFile, '--imported--\n');
if (thenFile) await (await import(pathToFileURL(thenFile).href))[thenExport](...JSON.parse(thenArgs));
