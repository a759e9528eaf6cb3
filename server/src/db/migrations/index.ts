import type { Knex } from 'knex';
import * as m001 from './001_catalog';
import * as m002 from './002_identity';
import * as m003 from './003_usage';
import * as m003b from './003_usage_rollup_families';
import * as m004 from './004_billing';
import * as m005 from './005_pipelines';
import * as m006 from './006_oauth';

interface Migration {
  up(db: Knex): Promise<void>;
  down(db: Knex): Promise<void>;
}

/**
 * Migrations are listed in code, not discovered on disk, so they work the same under tsx,
 * vitest and a bundled build. Append new ones; never edit one that has shipped.
 */
const MIGRATIONS: Array<[string, Migration]> = [
  ['001_catalog', m001],
  ['002_identity', m002],
  ['003_usage', m003],
  ['003_usage_rollup_families', m003b],
  ['004_billing', m004],
  ['005_pipelines', m005],
  ['006_oauth', m006],
];

/** Lets features append their migrations before the database is opened. */
export function registerMigration(name: string, migration: Migration): void {
  if (MIGRATIONS.some(([n]) => n === name)) return;
  MIGRATIONS.push([name, migration]);
  MIGRATIONS.sort(([a], [b]) => a.localeCompare(b));
}

export const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    return MIGRATIONS.map(([name]) => name);
  },
  getMigrationName(name) {
    return name;
  },
  async getMigration(name) {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};
