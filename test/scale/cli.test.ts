import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the installed `switchyard` command (server/src/cli/bin.mjs) against a SQLite data dir. */
function switchyard(dataDir: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'server/src/cli/bin.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_MASTER_KEY: Buffer.alloc(32, 3).toString('base64'), DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('the switchyard CLI', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sy-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, creates an owner, manages keys and verifies the audit log', async () => {
    expect(await switchyard(dataDir, 'migrate')).toMatchObject({ code: 0, stdout: expect.stringContaining('up to date (SQLite)') });

    const admin = await switchyard(dataDir, 'create-admin', '--email', 'Ops@Example.com');
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toMatch(/Created owner ops@example.com \(\S+\)/);
    expect(admin.stdout).toMatch(/Password \(shown once\): \S{20,}/);
    // The second one is an admin; the same email twice is refused.
    expect((await switchyard(dataDir, 'create-admin', '--email', 'second@example.com', '--password', 'a-long-enough-password')).stdout).toContain('Created admin');
    const dup = await switchyard(dataDir, 'create-admin', '--email', 'ops@example.com');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already exists');

    const created = await switchyard(dataDir, 'keys', 'create', '--user', 'ops@example.com', '--name', 'deploy');
    expect(created.code, created.stderr).toBe(0);
    const id = /Created key (\S+)/.exec(created.stdout)![1]!;
    const secret = /Key \(shown once\): (\S+)/.exec(created.stdout)![1]!;

    const listed = await switchyard(dataDir, 'keys', 'list');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+active`));
    expect(listed.stdout).not.toContain(secret);

    expect((await switchyard(dataDir, 'keys', 'revoke', id)).stdout).toContain(`Revoked key ${id}`);
    expect((await switchyard(dataDir, 'keys', 'list', '--user', 'ops@example.com')).stdout).toMatch(new RegExp(`${id}\\s+revoked`));

    const audit = await switchyard(dataDir, 'audit', 'verify');
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/Audit log intact: [1-9]\d* entries/);
   }, 180_000); // each call is a fresh Node process

  it('says what is wrong with a bad call, with exit code 2', async () => {
    const unknown = await switchyard(dataDir, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const missing = await switchyard(dataDir, 'keys', 'create', '--name', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('needs --user');
  }, 60_000);
});
