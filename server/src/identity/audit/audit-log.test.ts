import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { openDatabase, type Db } from '../../db/connect';
import { AuditLog } from './audit-log';
import { GENESIS_HASH } from './chain';
import { auditCsvRow, csvField } from './csv';

describe.each(await storageBackends())('audit log on %s', (backend) => {
  let db: Db;
  let second: Db;
  let temp: TestDatabase;
  let audit: AuditLog;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-audit-');
    db = temp.db;
    // A second, independent connection pool: another process writing to the same database.
    second = await openDatabase({ databaseUrl: temp.databaseUrl, dataDir: temp.dataDir });
    audit = new AuditLog(db);
  });
  afterAll(async () => {
    await second?.destroy();
    await temp?.close();
  });
  beforeEach(async () => {
    await db('audit_log').delete();
    await db('audit_head').where({ id: 1 }).update({ seq: 0, hash: GENESIS_HASH });
  });

  const fill = async (n: number) => {
    for (let i = 1; i <= n; i++) {
      await audit.record({ action: i % 2 ? 'key.create' : 'user.update', actor: { type: 'user', id: `user_${i % 3}` }, target: { type: 'api_key', id: `key_${i}` }, details: { i } });
    }
  };

  it('chains entries and verifies an untouched log', async () => {
    expect(await audit.verify()).toEqual({ ok: true, count: 0, head: { seq: 0, hash: GENESIS_HASH } });
    await fill(5);
    const v = await audit.verify();
    expect(v.ok).toBe(true);
    expect(v.count).toBe(5);
    const { data } = await audit.list({ limit: 10 });
    expect(data.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(data[4].prevHash).toBe(GENESIS_HASH);
    for (let i = 0; i < 4; i++) expect(data[i].prevHash).toBe(data[i + 1].hash);
    expect(v.head).toEqual({ seq: 5, hash: data[0].hash });
  });

  it('detects an edited entry', async () => {
    await fill(5);
    await db('audit_log').where({ seq: 3 }).update({ details: '{"i":33}' });
    expect(await audit.verify()).toMatchObject({ ok: false, problem: { seq: 3, reason: 'entry was modified' } });
  });

  it('detects an edit that also recomputes the entry hash (the next link breaks)', async () => {
    await fill(5);
    const { entryHash, fieldsOfRow } = await import('./chain');
    const row = await db('audit_log').where({ seq: 2 }).first();
    row.actor_id = 'someone_else';
    await db('audit_log').where({ seq: 2 }).update({ actor_id: 'someone_else', hash: entryHash(fieldsOfRow(row)) });
    expect(await audit.verify()).toMatchObject({ ok: false, problem: { seq: 3, reason: 'link to the previous entry is broken' } });
  });

  it('detects a deleted entry in the middle', async () => {
    await fill(5);
    await db('audit_log').where({ seq: 2 }).delete();
    expect(await audit.verify()).toMatchObject({ ok: false, problem: { seq: 2, reason: 'entry missing (deleted)' } });
  });

  it('detects deletion of the newest entry', async () => {
    await fill(5);
    await db('audit_log').where({ seq: 5 }).delete();
    expect(await audit.verify()).toMatchObject({ ok: false, problem: { seq: 5, reason: 'newest entries missing (deleted)' } });
  });

  it('detects deletion of every entry', async () => {
    await fill(3);
    await db('audit_log').delete();
    expect(await audit.verify()).toMatchObject({ ok: false, problem: { seq: 1 } });
  });

  it('detects an entry inserted past the head', async () => {
    await fill(2);
    const last = await db('audit_log').where({ seq: 2 }).first();
    await db('audit_log').insert({ ...last, seq: 3 });
    expect(await audit.verify()).toMatchObject({ ok: false, problem: { seq: 3 } });
  });

  it('keeps one chain when two writers (two connection pools) append concurrently', async () => {
    const other = new AuditLog(second);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? audit : other).record({ action: 'test.concurrent', details: { i } })));
    const v = await audit.verify();
    expect(v).toMatchObject({ ok: true, count: 40, head: { seq: 40 } });
    const seen = new Set((await audit.list({ limit: 100 })).data.map((e) => (e.details as { i: number }).i));
    expect(seen.size).toBe(40);
  });

  it('filters by actor, action (exact and prefix), target, outcome and time, and pages', async () => {
    await fill(6);
    await audit.record({ action: 'auth.login.failure', outcome: 'failure', target: { type: 'user', label: 'a@b.co' } });
    expect((await audit.list({ actor: 'user_1' })).data.map((e) => e.seq)).toEqual([4, 1]);
    expect((await audit.list({ action: 'user.update' })).data.map((e) => e.seq)).toEqual([6, 4, 2]);
    expect((await audit.list({ action: 'auth.*' })).data.map((e) => e.seq)).toEqual([7]);
    expect((await audit.list({ action: 'auth_*' })).data).toEqual([]); // the underscore is literal
    expect((await audit.list({ target: 'key_5', targetType: 'api_key' })).data.map((e) => e.seq)).toEqual([5]);
    expect((await audit.list({ outcome: 'failure' })).data.map((e) => e.action)).toEqual(['auth.login.failure']);
    const all = (await audit.list()).data;
    expect((await audit.list({ from: all[0].at + 1 })).data).toEqual([]);
    expect((await audit.list({ to: all[all.length - 1].at })).data).toEqual([]);
    const page1 = await audit.list({ limit: 3 });
    expect(page1.data.map((e) => e.seq)).toEqual([7, 6, 5]);
    const page2 = await audit.list({ limit: 3, before: page1.nextBefore! });
    expect(page2.data.map((e) => e.seq)).toEqual([4, 3, 2]);
    const page3 = await audit.list({ limit: 3, before: page2.nextBefore! });
    expect(page3).toMatchObject({ data: [{ seq: 1 }], nextBefore: null });
    const iterated: number[] = [];
    for await (const e of audit.iterate({ action: 'key.*' })) iterated.push(e.seq);
    expect(iterated).toEqual([5, 3, 1]);
  });

  it('redacts details before they are stored and hashed', async () => {
    await audit.record({ action: 'provider.update', details: { after: { settings: { apiKey: 'sk-abcdefghijklmnopqrstu', baseUrl: 'https://x' } }, note: 'Bearer abcdefghijklmnop' } });
    const row = await db('audit_log').first();
    expect(row.details).not.toContain('abcdefghijklmnop');
    expect(JSON.parse(row.details)).toMatchObject({ after: { settings: { apiKey: '[redacted]', baseUrl: 'https://x' } } });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('cuts over-long fields to their column size and still verifies', async () => {
    await audit.record({ action: 'x'.repeat(100), actor: { type: 'user', label: 'l'.repeat(1000) }, target: { type: 't', id: 'i'.repeat(500) } });
    const [e] = (await audit.list()).data;
    expect(e.action).toHaveLength(64);
    expect(e.actor.label).toHaveLength(320);
    expect((await audit.verify()).ok).toBe(true);
  });
});

describe('audit CSV', () => {
  it('quotes and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(null)).toBe('');
  });

  it('writes one line per entry with the details as JSON', () => {
    const line = auditCsvRow({
      seq: 1, at: 0, actor: { type: 'user', id: 'u', label: 'a@b.co', credentialId: null }, ip: '127.0.0.1', action: 'key.create',
      target: { type: 'api_key', id: 'k', label: null }, outcome: 'success', requestId: 'r', details: { a: 1 }, prevHash: 'p', hash: 'h',
    });
    expect(line).toBe('1,1970-01-01T00:00:00.000Z,user,u,a@b.co,,127.0.0.1,key.create,api_key,k,,success,r,"{""a"":1}",h');
  });
});
