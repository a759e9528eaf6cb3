import type { Knex } from 'knex';

// Routing pipelines: a draft per pipeline, immutable numbered versions, and bindings that say
// which requests a pipeline serves. Graphs are JSON text; times are epoch-ms bigints.

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('pipelines', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    // The work in progress; may be invalid. Publishing copies it into a new version.
    t.text('draft').notNullable();
    t.bigInteger('draft_updated_at').notNullable();
    // The version requests run; null until the first publish.
    t.integer('published_version');
    t.string('source', 16).notNullable().defaultTo('api'); // 'api' | 'config'
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await db.schema.createTable('pipeline_versions', (t) => {
    t.string('pipeline_id', 64).notNullable().references('id').inTable('pipelines').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('graph').notNullable();
    t.string('source', 16).notNullable().defaultTo('api'); // 'api' | 'config'
    t.text('note');
    // Set when this version republished an older one (a rollback).
    t.integer('rolled_back_from');
    t.string('created_by', 200);
    t.bigInteger('created_at').notNullable();
    t.primary(['pipeline_id', 'version']);
  });

  // kind 'alias' (subject: a model name clients send), 'key' (an API key id), 'project'
  // (a project id) or 'default' (subject ''). One pipeline per (kind, subject).
  await db.schema.createTable('pipeline_bindings', (t) => {
    t.string('kind', 16).notNullable();
    t.string('subject', 200).notNullable();
    t.string('pipeline_id', 64).notNullable().references('id').inTable('pipelines').onDelete('CASCADE');
    t.string('source', 16).notNullable().defaultTo('api');
    t.bigInteger('created_at').notNullable();
    t.primary(['kind', 'subject']);
    t.index(['pipeline_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('pipeline_bindings');
  await db.schema.dropTableIfExists('pipeline_versions');
  await db.schema.dropTableIfExists('pipelines');
}
