import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import type { Db } from '../db/connect';
import { migrationSource } from '../db/migrations';
import { loadKeyring } from '../vault/keyring';
import { Vault, VaultError } from '../vault/vault';
import { CredentialRepo } from './credentials';
import { ModelRepo } from './models';
import { ProviderRepo } from './providers';

const vault = new Vault(loadKeyring({ masterKey: Buffer.alloc(32, 1).toString('base64'), dataDir: '/nonexistent' }));

describe.each(await storageBackends())('repositories on %s', (backend) => {
  let db: Db;
  let temp: TestDatabase;
  let providers: ProviderRepo;
  let credentials: CredentialRepo;
  let models: ModelRepo;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-repo-');
    db = temp.db;
    providers = new ProviderRepo(db);
    credentials = new CredentialRepo(db, vault);
    models = new ModelRepo(db);
  });
  afterAll(async () => {
    await temp?.close();
  });

  it('runs migrations idempotently', async () => {
    await db.migrate.latest({ migrationSource });
    const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], unknown[]];
    expect(pending).toHaveLength(0);
  });

  it('stores, updates and lists providers', async () => {
    await providers.upsert({ id: 'p1', plugin: 'openai', name: 'One', settings: { baseUrl: 'http://x' }, enabled: true, source: 'api' });
    await providers.upsert({ id: 'p1', plugin: 'openai', name: 'One again', settings: { baseUrl: 'http://y' }, enabled: false, source: 'api' });
    const p = await providers.get('p1');
    expect(p).toMatchObject({ id: 'p1', name: 'One again', settings: { baseUrl: 'http://y' }, enabled: false });
    expect(typeof p!.createdAt).toBe('number');
    expect(await providers.count()).toBe(1);
  });

  it('stores models with aliases and capabilities', async () => {
    await models.upsert({ id: 'gpt-x', providerId: 'p1', upstreamModel: 'gpt-x-2025', aliases: ['fast'], capabilities: ['chat'], enabled: true, source: 'api' });
    expect(await models.get('gpt-x')).toMatchObject({ upstreamModel: 'gpt-x-2025', aliases: ['fast'], capabilities: ['chat'], enabled: true });
  });

  it('keeps credential secrets encrypted at rest and never returns them in listings', async () => {
    const created = await credentials.create({ providerId: 'p1', name: 'main', secret: { apiKey: 'sk-very-secret-1234567890' }, weight: 3 });
    expect(created).not.toHaveProperty('secret');
    expect(created.fields).toEqual(['apiKey']);
    expect(created.keyVersion).toBe(1);
    const raw = await db('credentials').where({ id: created.id }).first();
    expect(JSON.stringify(raw)).not.toContain('sk-very-secret');
    expect(raw.secret).toMatch(/^sy1:1:/);
    const [unlocked] = await credentials.listUnlocked('p1');
    expect(unlocked.secret).toEqual({ apiKey: 'sk-very-secret-1234567890' });
    expect(JSON.stringify(await credentials.list())).not.toContain('sk-very-secret');
  });

  it('detects a tampered credential row', async () => {
    const c = await credentials.create({ providerId: 'p1', name: 'tamper', secret: { apiKey: 'sk-abc' } });
    const raw = await db('credentials').where({ id: c.id }).first();
    const parts = (raw.secret as string).split(':');
    parts[4] = Buffer.from('forged').toString('base64url');
    await db('credentials').where({ id: c.id }).update({ secret: parts.join(':') });
    await expect(credentials.listUnlocked('p1')).rejects.toThrow(VaultError);
    await credentials.remove(c.id);
  });

  it('records pool state and clears it when an operator re-enables', async () => {
    const [c] = await credentials.list('p1');
    await credentials.setState(c.id, 'disabled', 'upstream answered 401', null);
    expect(await credentials.get(c.id)).toMatchObject({ state: 'disabled', stateReason: 'upstream answered 401' });
    await credentials.update(c.id, { enabled: true });
    expect(await credentials.get(c.id)).toMatchObject({ state: 'active', stateReason: null });
  });

  it('re-encrypts secrets under a new master key version', async () => {
    const v2 = new Vault(loadKeyring({ masterKey: `2:${Buffer.alloc(32, 2).toString('base64')},1:${Buffer.alloc(32, 1).toString('base64')}`, dataDir: '/nonexistent' }));
    const rotated = new CredentialRepo(db, v2);
    const changed = await rotated.reencryptAll();
    expect(changed).toBeGreaterThan(0);
    expect((await rotated.list()).every((c) => c.keyVersion === 2)).toBe(true);
    expect((await rotated.listUnlocked('p1'))[0].secret.apiKey).toBe('sk-very-secret-1234567890');
  });

  it('cascades provider deletion to its credentials and models', async () => {
    await providers.remove('p1');
    expect(await models.get('gpt-x')).toBeUndefined();
    expect(await db('credentials').where({ provider_id: 'p1' })).toHaveLength(0);
  });
});
