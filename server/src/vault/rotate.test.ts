import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { readEnv } from '../config/env';
import type { Db } from '../db/connect';
import { createGateway } from '../gateway';
import { AuditLog } from '../identity/audit/audit-log';
import { createLogger } from '../logger';
import { CredentialRepo } from '../repos/credentials';
import { ProviderRepo } from '../repos/providers';
import { KEY_FILE_NAME, loadKeyring } from './keyring';
import { reloadKeyringFrom, rotateMasterKey } from './rotate';
import { Vault, VaultError } from './vault';

const keyA = Buffer.alloc(32, 11).toString('base64');
const keyB = Buffer.alloc(32, 12).toString('base64');

describe.each(await storageBackends())('master key rotation on %s', (backend) => {
  let db: Db;
  let temp: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-rotate-');
    ({ db, dataDir } = temp);
    await new ProviderRepo(db).upsert({ id: 'p1', plugin: 'openai', name: 'One', settings: {}, enabled: true, source: 'api' });
  });
  afterAll(async () => {
    await temp?.close();
  });

  it('with a key file: adds a version, re-encrypts every row, and a running server decrypts throughout', async () => {
    const runningRing = loadKeyring({ dataDir }); // generates master.key, version 1
    const running = new CredentialRepo(db, new Vault(runningRing));
    for (let i = 0; i < 3; i++) await running.create({ providerId: 'p1', name: `c${i}`, secret: { apiKey: `sk-file-${i}` } });
    const keyFile = path.join(dataDir, KEY_FILE_NAME);
    const before = JSON.parse(readFileSync(keyFile, 'utf8')) as { keys: Record<string, string> };

    const result = await rotateMasterKey({ db, audit: new AuditLog(db), dataDir });
    expect(result).toMatchObject({ fromVersion: 1, toVersion: 2, reencrypted: 3, keyFile });
    expect(result.envValue).toBeUndefined();

    const after = JSON.parse(readFileSync(keyFile, 'utf8')) as { current: number; keys: Record<string, string> };
    expect(after.current).toBe(2);
    expect(after.keys['1']).toBe(before.keys['1']); // the old key stays, for rows a server writes meanwhile
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const rows = await db('credentials').select('secret', 'key_version');
    expect(rows.every((r: { secret: string; key_version: number }) => Number(r.key_version) === 2 && r.secret.startsWith('sy1:2:'))).toBe(true);

    // The running server has not seen version 2 yet; reloading the file (as its watcher does) fixes that.
    await expect(running.listUnlocked('p1')).rejects.toThrow(VaultError);
    expect(reloadKeyringFrom(keyFile, runningRing)).toBe(true);
    expect((await running.listUnlocked('p1')).map((c) => c.secret.apiKey).sort()).toEqual(['sk-file-0', 'sk-file-1', 'sk-file-2']);
    expect(runningRing.current).toBe(2);

    const [entry] = await db('audit_log').where({ action: 'vault.rotate' }).orderBy('seq', 'desc');
    expect(entry).toBeTruthy();
    expect(JSON.stringify(entry)).not.toContain(after.keys['2']);
  });

  it('with SWITCHYARD_MASTER_KEY: prints the new keyring first, and re-encrypts once it is deployed', async () => {
    await db('credentials').delete();
    const repoA = new CredentialRepo(db, new Vault(loadKeyring({ masterKey: keyA, dataDir: '/nonexistent' })));
    await repoA.create({ providerId: 'p1', name: 'env', secret: { apiKey: 'sk-env-1' } });

    const step1 = await rotateMasterKey({ db, audit: new AuditLog(db), dataDir: '/nonexistent', masterKey: keyA });
    expect(step1).toMatchObject({ fromVersion: 1, toVersion: 2, reencrypted: 0 });
    expect(step1.envValue).toMatch(/^2:[A-Za-z0-9+/=]{44},1:/);
    expect(step1.envValue!.endsWith(`1:${keyA}`)).toBe(true);
    // Nothing moved yet: servers still on the old value keep working.
    expect((await db('credentials').first()).secret).toMatch(/^sy1:1:/);

    const step2 = await rotateMasterKey({ db, audit: new AuditLog(db), dataDir: '/nonexistent', masterKey: step1.envValue, reencryptOnly: true });
    expect(step2).toMatchObject({ fromVersion: 2, toVersion: 2, reencrypted: 1 });
    const repoNew = new CredentialRepo(db, new Vault(loadKeyring({ masterKey: step1.envValue, dataDir: '/nonexistent' })));
    expect((await repoNew.listUnlocked('p1'))[0].secret.apiKey).toBe('sk-env-1');
    expect((await db('credentials').first()).secret).toMatch(/^sy1:2:/);
  });

  it('refuses to start a server whose master key cannot decrypt the stored secrets', async () => {
    await db('credentials').delete();
    const repoA = new CredentialRepo(db, new Vault(loadKeyring({ masterKey: keyA, dataDir: '/nonexistent' })));
    await repoA.create({ providerId: 'p1', name: 'locked', secret: { apiKey: 'sk-locked-1' } });
    const env = readEnv({ PORT: '0', HOST: '127.0.0.1', SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_CONFIG: '', SWITCHYARD_MASTER_KEY: keyB, SWITCHYARD_LOG_LEVEL: 'silent', SWITCHYARD_SEED_MOCK: 'false', SWITCHYARD_ADMIN_KEY: 'sy-admin-rotate-test-0123456789', ...(temp.databaseUrl ? { DATABASE_URL: temp.databaseUrl } : {}) });
    env.configFile = path.join(dataDir, 'none.yaml');
    const start = createGateway({ env, logger: createLogger('silent'), listen: false, config: { providers: [], models: [], pipelines: [] } });
    await expect(start).rejects.toThrow(/refusing to start: stored credentials cannot be decrypted with the configured master key.*Set SWITCHYARD_MASTER_KEY/);
    await expect(start).rejects.not.toThrow(/sk-locked/);
  });
});
