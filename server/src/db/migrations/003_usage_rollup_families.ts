import type { Knex } from 'knex';

// Smaller rollups beside the full ones of 003_usage, so most analytics queries read a few
// thousand rows instead of nearly one per request: "traffic" rollups keep only what was called
// (endpoint, provider, model, pipeline), "identity" rollups only who called (endpoint, key, user,
// project). The query picks the smallest family that has the dimensions it filters and groups by.

const FAMILIES = {
  traffic: (t: Knex.CreateTableBuilder) => {
    t.string('provider_id', 64).notNullable();
    t.string('model_id', 200).notNullable();
    t.string('pipeline_id', 128).notNullable();
    return ['provider_id', 'model_id', 'pipeline_id'];
  },
  identity: (t: Knex.CreateTableBuilder) => {
    t.string('key_id', 128).notNullable();
    t.string('user_id', 128).notNullable();
    t.string('project_id', 128).notNullable();
    return ['key_id', 'user_id', 'project_id'];
  },
};

export const FAMILY_TABLES = Object.keys(FAMILIES).flatMap((f) => ['minute', 'hour', 'day'].map((g) => `usage_${f}_${g}`));

export async function up(db: Knex): Promise<void> {
  for (const [family, dims] of Object.entries(FAMILIES)) {
    for (const grain of ['minute', 'hour', 'day']) {
      await db.schema.createTable(`usage_${family}_${grain}`, (t) => {
        t.bigInteger('bucket').notNullable();
        t.string('instance_id', 64).notNullable();
        t.string('endpoint', 16).notNullable();
        const dimColumns = dims(t);
        t.integer('requests').notNullable();
        t.integer('errors').notNullable();
        t.integer('cache_hits').notNullable();
        t.integer('streams').notNullable();
        t.bigInteger('prompt_tokens').notNullable();
        t.bigInteger('completion_tokens').notNullable();
        t.bigInteger('cached_tokens').notNullable();
        t.bigInteger('reasoning_tokens').notNullable();
        t.integer('images').notNullable();
        t.bigInteger('cost_micros').notNullable();
        t.bigInteger('credits_micros').notNullable();
        t.double('latency_sum_ms').notNullable();
        t.double('ttft_sum_ms').notNullable();
        t.integer('ttft_count').notNullable();
        t.text('latency_hist').notNullable();
        t.text('ttft_hist').notNullable();
        t.primary(['bucket', 'instance_id', 'endpoint', ...dimColumns]);
      });
    }
  }
}

export async function down(db: Knex): Promise<void> {
  for (const table of FAMILY_TABLES) await db.schema.dropTableIfExists(table);
}
