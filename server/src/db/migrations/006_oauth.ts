import type { Knex } from 'knex';

/** OAuth 2.0 authorization server: clients, authorization codes, access and refresh tokens (all hashed). */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('oauth_clients', (t) => {
    t.string('id').primary();
    t.string('name').notNullable();
    t.string('type').notNullable(); // confidential | public
    t.string('secret_hash'); // sha256 of the client secret; null for public clients
    t.text('redirect_uris').notNullable(); // JSON array
    t.text('scopes').notNullable(); // JSON array of allowed scopes
    t.boolean('first_party').notNullable().defaultTo(false);
    t.string('created_by');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable('oauth_codes', (t) => {
    t.string('code_hash').primary();
    t.string('client_id').notNullable().references('id').inTable('oauth_clients').onDelete('CASCADE');
    t.string('user_id').notNullable();
    t.text('redirect_uri').notNullable();
    t.text('scopes').notNullable();
    t.string('code_challenge').notNullable();
    t.string('family_id').notNullable(); // the token family this code starts; revoked if the code is replayed
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at');
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('oauth_tokens', (t) => {
    t.string('id').primary();
    t.string('token_hash').notNullable().unique();
    t.string('kind').notNullable(); // access | refresh
    t.string('client_id').notNullable().references('id').inTable('oauth_clients').onDelete('CASCADE');
    t.string('user_id');
    t.text('scopes').notNullable();
    t.string('family_id').notNullable().index();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('rotated_at'); // refresh tokens: when exchanged; a second exchange is a replay
    t.bigInteger('revoked_at');
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('oauth_tokens');
  await db.schema.dropTableIfExists('oauth_codes');
  await db.schema.dropTableIfExists('oauth_clients');
}
