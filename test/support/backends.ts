import { postgresAvailable } from './postgres';

export type Backend = 'sqlite' | 'postgres';

/**
 * The storage backends a suite should run against: SQLite always, PostgreSQL when it is
 * reachable (or required). Call at module top level: `describe.each(await storageBackends())`.
 */
export async function storageBackends(): Promise<Backend[]> {
  return (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
}
