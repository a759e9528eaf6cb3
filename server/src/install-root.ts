import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Switchyard installation a module belongs to: the nearest folder at or above `from` whose
 * package.json declares the workspaces (its plugins/ and web/dist/ sit there). Found by walking
 * up rather than by a fixed `../..`, because the compiled build (server/build.mjs) and the
 * bench's bundles put this module at other depths than src/ does.
 */
export function installRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (declaresWorkspaces(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Switchyard installation (a package.json with "workspaces") at or above ${from}`);
  }
}

function declaresWorkspaces(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    return Array.isArray((JSON.parse(readFileSync(file, 'utf8')) as { workspaces?: unknown }).workspaces);
  } catch {
    return false;
  }
}
