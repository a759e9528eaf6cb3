import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import knex from 'knex';
import { describe, expect, it, vi } from 'vitest';
import type { DbOptions } from '../../server/src/db/connect';
import { migrationSource } from '../../server/src/db/migrations';
import { storageBackends } from './backends';
import { POSTGRES_BASE_URL } from './postgres';
import { createTempStorage, openTestDatabase } from './test-database';

// openDatabase as it is, except that a test can step in before the next call (to look at what
// the helper has made by then, and to fail the open as a failed migration would).
const opens = vi.hoisted(() => ({ interceptNext: undefined as ((options: DbOptions) => Promise<never>) | undefined }));
vi.mock('../../server/src/db/connect', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../server/src/db/connect')>();
  return {
    ...actual,
    async openDatabase(options: DbOptions) {
      const intercept = opens.interceptNext;
      opens.interceptNext = undefined;
      return intercept ? intercept(options) : actual.openDatabase(options);
    },
  };
});

/** Whether the server still lists the database that `url` names. */
async function databaseExists(url: string): Promise<boolean> {
  const admin = knex({ client: 'pg', connection: POSTGRES_BASE_URL, pool: { min: 0, max: 1 } });
  try {
    const rows = await admin('pg_database').where({ datname: new URL(url).pathname.slice(1) });
    return rows.length > 0;
  } finally {
    await admin.destroy();
  }
}

describe.each(await storageBackends())('temporary storage on %s', (backend) => {
  it('createTempStorage makes an empty dir and, on PostgreSQL, a database, without opening them; close() removes both', async () => {
    const s = await createTempStorage(backend, 'sy-helper-');
    expect(readdirSync(s.dataDir)).toEqual([]);
    if (backend === 'postgres') expect(await databaseExists(s.databaseUrl!)).toBe(true);
    else expect(s.databaseUrl).toBeUndefined();

    await s.close();
    expect(existsSync(s.dataDir)).toBe(false);
    if (backend === 'postgres') expect(await databaseExists(s.databaseUrl!)).toBe(false);
  });

  it('openTestDatabase opens a migrated database in a fresh dir, and close() removes the dir and drops the database', async () => {
    const t = await openTestDatabase(backend, 'sy-helper-');
    expect(path.basename(t.dataDir)).toMatch(/^sy-helper-/);
    expect(await t.db('audit_head').where({ id: 1 }).first()).toBeTruthy(); // a row the migrations seed
    const [, pending] = (await t.db.migrate.list({ migrationSource })) as [unknown[], unknown[]];
    expect(pending).toEqual([]);
    if (backend === 'postgres') {
      expect(t.databaseUrl).toMatch(/^postgres:/);
      expect(await databaseExists(t.databaseUrl!)).toBe(true);
    } else {
      expect(t.databaseUrl).toBeUndefined();
      expect(existsSync(path.join(t.dataDir, 'switchyard.db'))).toBe(true);
    }

    await t.close();
    expect(existsSync(t.dataDir)).toBe(false);
    if (backend === 'postgres') expect(await databaseExists(t.databaseUrl!)).toBe(false);
  });

  it('openTestDatabase cleans up what it made when the open fails, and passes the failure on', async () => {
    let made: DbOptions | undefined;
    let madeBeforeTheFailure = false;
    opens.interceptNext = async (options) => {
      made = options;
      madeBeforeTheFailure = existsSync(options.dataDir) && (backend === 'sqlite' || (await databaseExists(options.databaseUrl!)));
      throw new Error('migration failed');
    };
    await expect(openTestDatabase(backend, 'sy-helper-')).rejects.toThrow('migration failed');
    expect(madeBeforeTheFailure).toBe(true);
    expect(existsSync(made!.dataDir)).toBe(false);
    if (backend === 'postgres') expect(await databaseExists(made!.databaseUrl!)).toBe(false);
    else expect(made!.databaseUrl).toBeUndefined();
  });
});
