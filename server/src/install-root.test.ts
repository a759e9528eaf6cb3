import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './gateway';
import { installRoot } from './install-root';

describe('installRoot', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('is the folder whose package.json declares the workspaces, from any depth below it', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sy-root-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', workspaces: ['server'] }));
    // A workspace's own package.json (no "workspaces") is passed over.
    mkdirSync(path.join(dir, 'server/dist/deeper'), { recursive: true });
    writeFileSync(path.join(dir, 'server/package.json'), JSON.stringify({ name: 'server' }));
    expect(installRoot(path.join(dir, 'server/dist/deeper'))).toBe(dir);
    expect(installRoot(dir)).toBe(dir);
  });

  it('says so when there is none', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sy-root-'));
    expect(() => installRoot(dir!)).toThrow(/no Switchyard installation/);
  });

  it('finds this repository from the server sources', () => {
    expect(REPO_ROOT).toBe(path.resolve(import.meta.dirname, '../..'));
  });
});
