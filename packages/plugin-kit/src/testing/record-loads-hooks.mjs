// Module customization hooks for loaded-modules.ts: append the URL of every module the loader
// loads to a file, synchronously, so the list is complete by the time an import settles.
import { appendFileSync } from 'node:fs';

let logFile;

export function initialize(data) {
  logFile = data.logFile;
}

export async function load(url, context, nextLoad) {
  appendFileSync(logFile, `${url}\n`);
  return nextLoad(url, context);
}
