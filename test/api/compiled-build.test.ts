import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../scale/instances';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ADMIN_KEY = 'sy-admin-compiled-build-test-0123';

/**
 * The compiled build (server/build.mjs; test/global-setup.ts made it before the suite) is what
 * `npm start`, the `switchyard` command and the Docker image run. The rest of the suite tests the
 * sources; this checks the build of them starts, loads every plugin from its dist/, and serves.
 */
describe('the compiled build', () => {
  let dataDir: string;
  let inst: Instance;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sy-compiled-'));
    inst = await startInstance({ SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_ADMIN_KEY: ADMIN_KEY });
  });
  afterAll(async () => {
    await inst?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads every local plugin and refuses none', async () => {
    const res = await fetch(`${inst.url}/api/plugins`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { package: string }[]; refused: unknown[] };
    expect(body.refused).toEqual([]);
    const folders = readdirSync(path.join(ROOT, 'plugins')).filter((name) => !name.startsWith('.'));
    expect(body.data.map((p) => p.package).sort()).toEqual(folders.map((name) => `@switchyard/${name}`).sort());
    expect(inst.output()).not.toMatch(/"level":(50|60)/);
  });

  it('serves the console from web/dist, found from its compiled location', async () => {
    const res = await fetch(`${inst.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Switchyard</title>');
  });

  it('answers chat completions, JSON and streamed, through the official client', async () => {
    const client = new OpenAI({ baseURL: `${inst.url}/v1`, apiKey: ADMIN_KEY });
    const answer = await client.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'hello compiled' }] });
    expect(answer.choices[0].message.content).toContain('hello compiled');
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'streamed too' }] })) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(text).toContain('streamed too');
  });

  it('runs the `switchyard` command', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'server/src/cli/bin.mjs'), 'migrate'], {
      cwd: ROOT,
      env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir },
    });
    expect(stdout).toMatch(/schema is up to date/);
  });

  it('does not watch plugins when asked to, and says that reload needs the sources', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'sy-compiled-reload-'));
    const reloading = await startInstance({ SWITCHYARD_DATA_DIR: other, SWITCHYARD_ADMIN_KEY: ADMIN_KEY, SWITCHYARD_PLUGIN_RELOAD: '1' });
    try {
      // The log is written asynchronously: the line may follow the "listening" one.
      await expect.poll(() => reloading.output(), { timeout: 5_000 }).toContain('plugin reload needs the sources');
      expect(reloading.output()).not.toContain('watching local plugins');
    } finally {
      await reloading.stop();
      rmSync(other, { recursive: true, force: true });
    }
  });
});
