import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../test/support/backends';
import { startTestGateway, type TestGateway } from '../../../test/support/gateway';
import { AuditLog } from '../identity/audit/audit-log';
import { rotateMasterKey } from './rotate';

/** Rotation under a running server that keeps its key in the key file: it follows the new version without a restart. */
describe.each(await storageBackends())('master key rotation under a running server (%s)', (backend) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ backend, env: { SWITCHYARD_MASTER_KEY: '' } });
  });
  afterAll(() => gw?.stop());

  it('keeps decrypting while rows move to the new version, and encrypts new secrets with it', async () => {
    const provider = (await gw.repos.providers.list())[0];
    await gw.repos.credentials.create({ providerId: provider.id, name: 'live', secret: { apiKey: 'sk-live-rotation-1' } });
    expect(gw.vault.currentVersion).toBe(1);

    const result = await rotateMasterKey({ db: gw.db, audit: new AuditLog(gw.db), dataDir: gw.dataDir });
    expect(result).toMatchObject({ fromVersion: 1, toVersion: 2 });
    expect(result.reencrypted).toBeGreaterThanOrEqual(1);

    // The server polls the key file; wait until it has seen version 2 (bounded).
    for (let i = 0; i < 100 && gw.vault.currentVersion !== 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(gw.vault.currentVersion).toBe(2);
    await gw.catalog.reload();
    const unlocked = await gw.repos.credentials.listUnlocked(provider.id);
    expect(unlocked.find((c) => c.name === 'live')?.secret.apiKey).toBe('sk-live-rotation-1');
    const fresh = await gw.repos.credentials.create({ providerId: provider.id, name: 'after', secret: { apiKey: 'sk-after' } });
    expect(fresh.keyVersion).toBe(2);
    const res = await fetch(`${gw.url}/v1/models`, { headers: gw.auth });
    expect(res.status).toBe(200);
  });
});
