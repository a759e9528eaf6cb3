import type { Knex } from 'knex';

// Times are epoch milliseconds in bigint columns: portable between SQLite and PostgreSQL.
// JSON is stored as text and parsed in the repositories, for the same reason.

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('providers', (t) => {
    t.string('id', 64).primary();
    t.string('plugin', 64).notNullable();
    t.string('name', 200).notNullable();
    t.text('settings').notNullable().defaultTo('{}');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('source', 16).notNullable().defaultTo('api'); // 'api' | 'config' | 'seed'
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await db.schema.createTable('credentials', (t) => {
    t.string('id', 64).primary();
    t.string('provider_id', 64).notNullable().references('id').inTable('providers').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    // AES-256-GCM envelope (see vault/); key_version duplicates the envelope's so rotation can find old rows.
    t.text('secret').notNullable();
    t.integer('key_version').notNullable();
    t.integer('weight').notNullable().defaultTo(1);
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('state', 16).notNullable().defaultTo('active'); // 'active' | 'disabled' | 'cooling'
    t.text('state_reason');
    t.bigInteger('cooldown_until');
    t.string('source', 16).notNullable().defaultTo('api');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['provider_id']);
  });

  await db.schema.createTable('models', (t) => {
    t.string('id', 200).primary(); // the public name clients send as `model`
    t.string('provider_id', 64).notNullable().references('id').inTable('providers').onDelete('CASCADE');
    t.string('upstream_model', 200).notNullable();
    t.text('aliases').notNullable().defaultTo('[]');
    t.text('capabilities').notNullable().defaultTo('[]');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('source', 16).notNullable().defaultTo('api');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['provider_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('models');
  await db.schema.dropTableIfExists('credentials');
  await db.schema.dropTableIfExists('providers');
}
