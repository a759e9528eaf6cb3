import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../server/src/db/connect';
import type { Backend } from './backends';
import { createTempDatabase, type TempDatabase } from './postgres';

/**
 * Storage of a test's own: a fresh temp dir (where SQLite keeps its file, and where a test may
 * keep other files), plus, on PostgreSQL, a database of its own.
 */
export interface TempStorage {
  dataDir: string;
  /** The PostgreSQL database; undefined on SQLite. */
  databaseUrl: string | undefined;
  /** Drops the PostgreSQL database and removes the dir. */
  close(): Promise<void>;
}

export interface TestDatabase extends TempStorage {
  /** Open on the storage, schema migrated. */
  db: Db;
  /** Destroys the connection pool, then drops the PostgreSQL database and removes the dir. */
  close(): Promise<void>;
}

/** Makes the storage without opening it: for tests whose gateways open it themselves. */
export async function createTempStorage(backend: Backend, dirPrefix: string): Promise<TempStorage> {
  const dataDir = mkdtempSync(path.join(tmpdir(), dirPrefix));
  let temp: TempDatabase | undefined;
  const close = () => runAll([() => temp?.drop(), () => rmSync(dataDir, { recursive: true, force: true })]);
  try {
    temp = backend === 'postgres' ? await createTempDatabase() : undefined;
  } catch (err) {
    await close().catch(() => undefined); // the failed open's own error is the one to see
    throw err;
  }
  return { dataDir, databaseUrl: temp?.url, close };
}

/** Makes the storage and opens it, as the gateway would, with the schema migrated. */
export async function openTestDatabase(backend: Backend, dirPrefix: string): Promise<TestDatabase> {
  const storage = await createTempStorage(backend, dirPrefix);
  let db: Db;
  try {
    db = await openDatabase({ databaseUrl: storage.databaseUrl, dataDir: storage.dataDir });
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
  return { ...storage, db, close: () => runAll([() => db.destroy(), storage.close]) };
}

/** Runs every cleanup step even when an earlier one fails, then throws the first failure. */
async function runAll(steps: Array<() => unknown>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
}
