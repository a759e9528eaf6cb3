import type { Knex } from 'knex';

// Usage events (one row per request that reached an upstream or the cache) and their rollups
// by minute, hour and day. See server/src/usage/ and docs/architecture.md (usage and analytics).

export const ROLLUP_TABLES = ['usage_rollup_minute', 'usage_rollup_hour', 'usage_rollup_day'] as const;

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('usage_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('ts').notNullable(); // when the request arrived, epoch ms
    t.string('request_id', 128).notNullable();
    t.string('endpoint', 16).notNullable();
    t.string('auth_method', 32);
    t.string('key_id', 128);
    t.string('user_id', 128);
    t.string('project_id', 128);
    t.string('pipeline_id', 128);
    t.integer('pipeline_version');
    t.string('requested_model', 200).notNullable();
    t.string('provider_id', 64);
    t.string('model_id', 200);
    t.string('upstream_model', 200);
    t.string('credential_id', 64);
    t.integer('attempts').notNullable();
    t.integer('status').notNullable();
    t.string('error_type', 64);
    t.string('error_code', 64);
    t.integer('prompt_tokens').notNullable().defaultTo(0);
    t.integer('completion_tokens').notNullable().defaultTo(0);
    t.integer('cached_tokens').notNullable().defaultTo(0);
    t.integer('reasoning_tokens').notNullable().defaultTo(0);
    t.integer('images').notNullable().defaultTo(0);
    // Counted by the gateway (billing's tokenizer, or an estimate) because the upstream reported none.
    t.boolean('tokens_estimated').notNullable().defaultTo(false);
    // Filled by billing (micro-credits); null when no billing rule priced the request.
    t.bigInteger('cost_micros');
    t.bigInteger('credits_micros');
    t.double('latency_ms').notNullable();
    t.double('ttft_ms');
    t.double('upstream_ms').notNullable().defaultTo(0);
    t.boolean('stream').notNullable();
    t.boolean('cache_hit').notNullable();
    t.index(['ts']);
    t.index(['request_id']);
    t.index(['user_id', 'ts']);
  });

  // One row per (bucket, instance, dimensions). Rows belong to the gateway instance that wrote
  // them, so each instance overwrites its own rows without coordination; queries sum instances.
  // Missing dimensions are '' (not NULL) so they can take part in the primary key.
  for (const table of ROLLUP_TABLES) {
    await db.schema.createTable(table, (t) => {
      t.bigInteger('bucket').notNullable();
      t.string('instance_id', 64).notNullable();
      t.string('endpoint', 16).notNullable();
      t.string('provider_id', 64).notNullable();
      t.string('model_id', 200).notNullable();
      t.string('pipeline_id', 128).notNullable();
      t.string('key_id', 128).notNullable();
      t.string('user_id', 128).notNullable();
      t.string('project_id', 128).notNullable();
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
      // Log-scale histograms (usage/histogram.ts) as JSON [bin, count, bin, count, ...].
      t.text('latency_hist').notNullable();
      t.text('ttft_hist').notNullable();
      t.primary(['bucket', 'instance_id', 'endpoint', 'provider_id', 'model_id', 'pipeline_id', 'key_id', 'user_id', 'project_id']);
    });
  }

  await db.schema.createTable('usage_settings', (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable(); // JSON
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('usage_settings');
  for (const table of ROLLUP_TABLES) await db.schema.dropTableIfExists(table);
  await db.schema.dropTableIfExists('usage_events');
}
