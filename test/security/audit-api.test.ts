import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { adminKeyHeaders, finishSetup, startSecurityGateway, type ConsoleSession, type SecurityGateway } from './support';

/** The audit log over HTTP: what admin actions leave behind, filters, CSV, and tamper detection. */
describe.each(await storageBackends())('audit API on %s', (backend) => {
  let gw: SecurityGateway;
  let owner: ConsoleSession;
  let snapshot: Record<string, unknown>[];

  beforeAll(async () => {
    gw = await startSecurityGateway({ backend });
    owner = await finishSetup(gw, 'owner@example.com', 'owner-password-123');
    await gw.call('POST', '/api/providers', { headers: owner.headers, body: { id: 'prov', plugin: 'mock', settings: {} } });
    await gw.call('PATCH', '/api/providers/prov', { headers: owner.headers, body: { name: 'Renamed' } });
    const cred = await gw.call('POST', '/api/providers/prov/credentials', { headers: owner.headers, body: { name: 'main', secret: { apiKey: 'sk-auditSECRETvalue0123456789' } } });
    await gw.call('DELETE', `/api/credentials/${cred.body.id}`, { headers: owner.headers });
    await gw.call('PUT', '/api/models/team/model-a', { headers: owner.headers, body: { providerId: 'prov' } });
    await gw.call('DELETE', '/api/models/team/model-a', { headers: owner.headers });
    await gw.call('DELETE', '/api/providers/prov', { headers: owner.headers });
    // A refused change leaves nothing behind.
    await gw.call('POST', '/api/providers', { headers: owner.headers, body: { id: 'bad', plugin: 'no-such-plugin' } });
    snapshot = await gw.db('audit_log').orderBy('seq').select();
  });
  afterAll(() => gw?.stop());
  beforeEach(async () => {
    // Put the log back as it was after each tampering test.
    await gw.db('audit_log').delete();
    for (const row of snapshot) await gw.db('audit_log').insert(row);
    const last = snapshot[snapshot.length - 1] as { seq: number; hash: string };
    await gw.db('audit_head').where({ id: 1 }).update({ seq: last.seq, hash: last.hash });
  });

  const verify = async () => (await gw.call('GET', '/api/audit/verify', { headers: adminKeyHeaders })).body;

  it('records catalog changes with actor, address, target and before/after', async () => {
    const { body } = await gw.call('GET', '/api/audit?limit=100', { headers: adminKeyHeaders });
    const byAction = Object.fromEntries(body.data.map((e: { action: string }) => [e.action, e]));
    expect(Object.keys(byAction)).toEqual(expect.arrayContaining(['provider.create', 'provider.update', 'provider.delete', 'credential.create', 'credential.delete', 'model.upsert', 'model.delete']));
    expect(byAction['provider.update']).toMatchObject({
      actor: { type: 'user', id: owner.userId, label: 'owner@example.com', credentialId: expect.stringMatching(/^ses_/) },
      ip: expect.stringMatching(/127\.0\.0\.1/),
      target: { type: 'provider', id: 'prov' },
      details: { before: { name: 'prov' }, after: { name: 'Renamed' }, fields: ['name'] },
    });
    expect(byAction['credential.create'].details.after).toMatchObject({ name: 'main', fields: ['apiKey'] });
    expect(byAction['model.delete']).toMatchObject({ target: { type: 'model', id: 'team/model-a' }, details: { before: { providerId: 'prov' }, after: null } });
    expect(body.data.some((e: { target: { id: string } | null }) => e.target?.id === 'bad')).toBe(false);
    expect(JSON.stringify(body)).not.toContain('auditSECRETvalue');
  });

  it('filters by actor, action, target, time, and pages', async () => {
    const get = async (q: string) => (await gw.call('GET', `/api/audit?${q}`, { headers: adminKeyHeaders })).body;
    expect((await get('action=provider.*')).data.map((e: { action: string }) => e.action)).toEqual(['provider.delete', 'provider.update', 'provider.create']);
    expect((await get(`actor=${owner.userId}&targetType=credential`)).data).toHaveLength(2);
    expect((await get('target=prov&action=provider.update')).data).toHaveLength(1);
    const all = (await get('limit=1000')).data;
    expect((await get(`from=${new Date(all[0].at + 1).toISOString()}`)).data).toEqual([]);
    const page = await get('limit=2');
    expect(page.data).toHaveLength(2);
    const next = await get(`limit=2&before=${page.nextBefore}`);
    expect(next.data[0].seq).toBe(page.data[1].seq - 1);
    const bad = await gw.call('GET', '/api/audit?limit=abc', { headers: adminKeyHeaders });
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('limit');
  });

  it('exports CSV, filtered, by either route', async () => {
    for (const path of ['/api/audit.csv?action=model.*', '/api/audit?format=csv&action=model.*']) {
      const r = await gw.call('GET', path, { headers: adminKeyHeaders });
      expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="switchyard-audit-.*\.csv"/);
      const lines = r.text.trim().split('\r\n');
      expect(lines[0]).toBe('seq,time,actor_type,actor_id,actor_label,credential_id,ip,action,target_type,target_id,target_label,outcome,request_id,details,hash');
      expect(lines.slice(1).map((l) => l.split(',')[7])).toEqual(['model.delete', 'model.upsert']);
    }
  });

  it('records the config file being applied, with ids only', async () => {
    const configured = await startSecurityGateway({
      backend,
      config: {
        providers: [{ id: 'from-file', plugin: 'mock', settings: {}, credentials: [{ name: 'main', secret: { apiKey: 'sk-configFILEsecret0123456789' } }] }],
        models: [{ id: 'file-model', provider: 'from-file' }],
        pipelines: [],
      },
    });
    try {
      const [entry] = (await configured.call('GET', '/api/audit?action=config.apply', { headers: adminKeyHeaders })).body.data;
      expect(entry).toMatchObject({ actor: { type: 'system' }, target: { type: 'config' }, details: { providers: ['from-file'], models: ['file-model'] } });
      expect(JSON.stringify(await configured.db('audit_log').select())).not.toContain('configFILEsecret');
    } finally {
      await configured.stop();
    }
  });

  it('verifies an untouched log', async () => {
    expect(await verify()).toMatchObject({ ok: true, count: snapshot.length, head: { seq: snapshot.length } });
  });

  it('detects an edited entry', async () => {
    await gw.db('audit_log').where({ seq: 3 }).update({ actor_label: 'someone-else@example.com' });
    expect(await verify()).toMatchObject({ ok: false, problem: { seq: 3, reason: 'entry was modified' } });
  });

  it('detects a deleted entry in the middle', async () => {
    await gw.db('audit_log').where({ seq: 4 }).delete();
    expect(await verify()).toMatchObject({ ok: false, problem: { seq: 4, reason: 'entry missing (deleted)' } });
  });

  it('detects deletion of the last entry', async () => {
    await gw.db('audit_log').where({ seq: snapshot.length }).delete();
    expect(await verify()).toMatchObject({ ok: false, problem: { seq: snapshot.length, reason: 'newest entries missing (deleted)' } });
  });
});
