import type { Knex } from 'knex';

/** The hash the audit chain starts from: 64 zeros, so the first entry links to "nothing" explicitly. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

// Users, console sessions, API keys, the first-run setup tokens and the hash-chained audit log.
// Same conventions as 001: epoch-ms bigints, JSON as text, money as integer micro-credits.

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('users', (t) => {
    t.string('id', 64).primary();
    t.string('email', 320).notNullable().unique(); // stored lowercased
    t.string('name', 200).notNullable();
    t.string('role', 16).notNullable(); // owner | admin | member | viewer
    t.text('password_hash'); // scrypt, self-describing; null for users who sign in another way (OIDC later)
    t.boolean('disabled').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('last_login_at');
    t.bigInteger('password_changed_at');
    t.index(['role']);
  });

  await db.schema.createTable('sessions', (t) => {
    t.string('id', 64).primary(); // public id (ses_...), safe to log and show
    t.string('token_hash', 64).notNullable().unique(); // SHA-256 of the cookie value; the value itself is never stored
    t.string('user_id', 64).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.string('ip', 64);
    t.string('user_agent', 300);
    t.index(['user_id']);
    t.index(['expires_at']);
  });

  await db.schema.createTable('api_keys', (t) => {
    t.string('id', 64).primary();
    t.string('prefix', 16).notNullable(); // the visible start of the key, e.g. sy-AbC12x
    t.string('key_hash', 64).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('user_id', 64).notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('project_id', 64);
    t.text('scopes').notNullable().defaultTo('[]');
    t.text('allowed_models'); // null: any model
    t.text('allowed_pipelines'); // null: any pipeline
    t.integer('rpm');
    t.integer('tpm');
    t.bigInteger('budget_micro'); // micro-credits
    t.string('budget_period', 16); // total | day | month
    t.text('attributes').notNullable().defaultTo('{}');
    t.bigInteger('expires_at');
    t.bigInteger('created_at').notNullable();
    t.string('created_by', 64);
    t.bigInteger('revoked_at');
    t.string('revoked_by', 64);
    t.bigInteger('last_used_at');
    t.index(['user_id']);
  });

  await db.schema.createTable('setup_tokens', (t) => {
    t.string('token_hash', 64).primary();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at');
  });

  // Small facts about this installation; a unique key makes one-time events (setup) atomic.
  await db.schema.createTable('instance_state', (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  await db.schema.createTable('audit_log', (t) => {
    // Assigned by the writer under the head lock, never by the database, so gaps mean deletion.
    t.bigInteger('seq').primary();
    t.bigInteger('at').notNullable();
    t.string('actor_type', 32).notNullable();
    t.string('actor_id', 128);
    t.string('actor_label', 320);
    t.string('credential_id', 128);
    t.string('ip', 64);
    t.string('action', 64).notNullable();
    t.string('target_type', 32);
    t.string('target_id', 200);
    t.string('target_label', 320);
    t.string('outcome', 16).notNullable();
    t.string('request_id', 128);
    t.text('details').notNullable(); // canonical JSON, already redacted
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.index(['at']);
    t.index(['actor_id']);
    t.index(['action']);
    t.index(['target_type', 'target_id']);
  });

  // One row: the last entry's seq and hash. Appends lock it, so the chain cannot fork, and
  // verification compares against it, so deleting the newest entries is noticed.
  await db.schema.createTable('audit_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });
  await db('audit_head').insert({ id: 1, seq: 0, hash: AUDIT_GENESIS_HASH });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('audit_head');
  await db.schema.dropTableIfExists('audit_log');
  await db.schema.dropTableIfExists('instance_state');
  await db.schema.dropTableIfExists('setup_tokens');
  await db.schema.dropTableIfExists('api_keys');
  await db.schema.dropTableIfExists('sessions');
  await db.schema.dropTableIfExists('users');
}
