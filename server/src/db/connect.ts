import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations';

export type Db = Knex;

export interface DbOptions {
  /** postgres://... for PostgreSQL; absent for the embedded SQLite file. */
  databaseUrl?: string;
  /** Folder of the SQLite file. */
  dataDir: string;
  /** Overrides the SQLite file name (tests use ':memory:' or a temp file). */
  sqliteFile?: string;
}

export function isPostgres(db: Db): boolean {
  return db.client.config.client === 'pg';
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(options: DbOptions): Promise<Db> {
  const db = options.databaseUrl ? openPostgres(options.databaseUrl) : openSqlite(options);
  await db.migrate.latest({ migrationSource });
  return db;
}

function openPostgres(url: string): Db {
  // bigint columns hold epoch-ms times and micro-credit amounts, all well inside 2^53.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
    // While the database is away, a query fails within seconds instead of waiting a minute for a connection.
  return knex({ client: 'pg', connection: url, pool: { min: 0, max: 10 }, acquireConnectionTimeout: 5_000 });
}

function openSqlite(options: DbOptions): Db {
  const file = options.sqliteFile ?? path.join(options.dataDir, 'switchyard.db');
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  return knex({
    client: 'sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and a single connection makes
    // transactions behave (no SQLITE_BUSY between our own connections).
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { run(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
        conn.run('PRAGMA foreign_keys = ON', (e1) => {
          if (e1) return done(e1, conn);
          conn.run('PRAGMA journal_mode = WAL', (e2) => {
            if (e2) return done(e2, conn);
            conn.run('PRAGMA busy_timeout = 5000', (e3) => done(e3, conn));
          });
        });
      },
    },
  });
}
