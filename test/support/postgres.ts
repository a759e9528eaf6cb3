import { randomBytes } from 'node:crypto';
import knex from 'knex';

/**
 * PostgreSQL for tests. Each caller gets a database of its own, created from the server in
 * SWITCHYARD_TEST_POSTGRES_URL (default: the local server's `test` database) and dropped after.
 * Without a reachable server the PostgreSQL cases are skipped with a loud notice, unless
 * SWITCHYARD_REQUIRE_POSTGRES=1 (CI sets it), in which case they fail.
 */
export const POSTGRES_BASE_URL = process.env.SWITCHYARD_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const POSTGRES_REQUIRED = process.env.SWITCHYARD_REQUIRE_POSTGRES === '1';

let availability: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const db = knex({ client: 'pg', connection: { connectionString: POSTGRES_BASE_URL, connectionTimeoutMillis: 2000 }, pool: { min: 0, max: 1 } });
    try {
      await db.raw('select 1');
      return true;
    } catch (err) {
      if (POSTGRES_REQUIRED) throw new Error(`PostgreSQL is required (SWITCHYARD_REQUIRE_POSTGRES=1) but ${POSTGRES_BASE_URL} is not reachable: ${(err as Error).message}`);
      console.warn(`\n*** PostgreSQL at ${POSTGRES_BASE_URL} is not reachable: PostgreSQL test cases are SKIPPED. Set SWITCHYARD_REQUIRE_POSTGRES=1 to make this a failure. ***\n`);
      return false;
    } finally {
      await db.destroy();
    }
  })();
  return availability;
}

export interface TempDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTempDatabase(): Promise<TempDatabase> {
  const name = `sy_test_${randomBytes(6).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: POSTGRES_BASE_URL, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = new URL(POSTGRES_BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const a = knex({ client: 'pg', connection: POSTGRES_BASE_URL, pool: { min: 0, max: 1 } });
      await a.raw(`drop database if exists ${name} with (force)`);
      await a.destroy();
    },
  };
}
