import type { Knex } from 'knex';

// Money is integer micro-credits (1 credit = 1,000,000) in bigint columns; times are epoch-ms
// bigints; JSON is text. Nothing here is a float.

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('billing_settings', (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
    t.bigInteger('updated_at').notNullable();
  });

  // One row per priced model: `scope` says whether `scope_id` is a configured provider's id
  // (an operator's own price) or a provider plugin id (a list price that fits every provider
  // running that plugin).
  await db.schema.createTable('billing_prices', (t) => {
    t.string('id', 64).primary();
    t.string('scope', 16).notNullable(); // 'provider' | 'plugin'
    t.string('scope_id', 64).notNullable();
    t.string('model', 200).notNullable();
    t.text('cost').notNullable(); // PriceCard in micro-USD: what the provider charges
    t.string('pricing', 16).notNullable().defaultTo('markup'); // 'markup' | 'custom'
    t.integer('markup_bp'); // basis points over cost; null = the default markup setting
    t.text('custom'); // PriceCard in micro-credits, when pricing = 'custom'
    t.integer('default_max_output');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('source', 16).notNullable().defaultTo('api'); // 'seed' | 'api'
    t.string('list_date', 16);
    t.integer('version').notNullable().defaultTo(1);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['scope', 'scope_id', 'model']);
  });

  await db.schema.createTable('billing_price_history', (t) => {
    t.increments('id').primary();
    t.string('price_id', 64).notNullable();
    t.integer('version').notNullable();
    t.string('action', 16).notNullable(); // 'create' | 'update' | 'delete'
    t.text('snapshot').notNullable();
    t.string('changed_by', 200);
    t.bigInteger('changed_at').notNullable();
    t.index(['price_id']);
  });

  // Payer accounts carry a materialised balance (the atomic check-and-hold runs on it); system
  // accounts (revenue, holds, grants, payments, expiry) are the sum of their journal lines, so no
  // request ever waits on a shared row.
  await db.schema.createTable('billing_accounts', (t) => {
    t.string('id', 220).primary(); // 'user:<id>' | 'project:<id>'
    t.string('kind', 16).notNullable();
    t.string('owner_id', 200).notNullable();
    t.bigInteger('balance').notNullable().defaultTo(0);
    t.bigInteger('credit_limit').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    // The last line of defence: the database itself refuses an overdraft past the credit line.
    t.check('balance >= -credit_limit', {}, 'billing_accounts_no_overdraft');
  });

  await db.schema.createTable('billing_journal', (t) => {
    t.string('id', 64).primary();
    t.string('kind', 16).notNullable(); // reserve | settle | release | expire | grant | topup | adjust | grant_expiry
    t.string('account_id', 220); // the payer account it concerns, for listing
    t.string('request_id', 140);
    t.string('hold_id', 64);
    t.text('memo');
    t.string('created_by', 200);
    t.bigInteger('created_at').notNullable();
    t.index(['account_id', 'created_at']);
    t.index(['request_id']);
  });

  await db.schema.createTable('billing_journal_lines', (t) => {
    t.increments('id').primary();
    t.string('entry_id', 64).notNullable().references('id').inTable('billing_journal').onDelete('CASCADE');
    t.string('account_id', 220).notNullable();
    t.bigInteger('amount').notNullable(); // signed; every entry's lines sum to zero
    t.index(['account_id']);
    t.index(['entry_id']);
  });

  await db.schema.createTable('billing_holds', (t) => {
    t.string('id', 64).primary();
    t.string('account_id', 220).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('request_id', 140).notNullable();
    t.integer('attempt').notNullable();
    t.string('status', 16).notNullable(); // open | settled | released | expired
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('closed_at');
    t.index(['status', 'expires_at']);
  });

  // Expiring credit: what is left of each grant, so expiry removes only the unspent part.
  await db.schema.createTable('billing_grants', (t) => {
    t.string('id', 64).primary();
    t.string('account_id', 220).notNullable();
    t.string('kind', 16).notNullable(); // grant | signup | topup
    t.bigInteger('amount').notNullable();
    t.bigInteger('remaining').notNullable();
    t.bigInteger('expires_at');
    t.string('external_id', 200).unique(); // payment id: a webhook delivered twice credits once
    t.text('memo');
    t.bigInteger('created_at').notNullable();
    t.index(['account_id', 'expires_at']);
  });

  await db.schema.createTable('billing_settlements', (t) => {
    t.string('id', 64).primary();
    t.string('request_id', 140).notNullable();
    t.integer('attempt').notNullable();
    t.string('hold_id', 64);
    t.string('account_id', 220).notNullable();
    t.string('endpoint', 16).notNullable();
    t.string('provider_id', 64).notNullable();
    t.string('model_id', 200).notNullable();
    t.string('upstream_model', 200).notNullable();
    t.integer('prompt_tokens').notNullable().defaultTo(0);
    t.integer('completion_tokens').notNullable().defaultTo(0);
    t.integer('cached_tokens').notNullable().defaultTo(0);
    t.integer('cache_write_tokens').notNullable().defaultTo(0);
    t.integer('images').notNullable().defaultTo(0);
    t.boolean('counted_locally').notNullable().defaultTo(false); // tokens counted by us, not reported upstream
    t.bigInteger('reserved').notNullable();
    t.bigInteger('charged').notNullable(); // what the rule asked for
    t.bigInteger('collected').notNullable(); // what the ledger took (charged, unless the balance ran out)
    t.bigInteger('cost_usd').notNullable().defaultTo(0); // provider cost, micro-USD
    t.string('status', 16).notNullable(); // settled | released
    t.bigInteger('created_at').notNullable();
    t.index(['request_id']);
    t.index(['account_id', 'created_at']);
  });

  await db.schema.createTable('billing_period_usage', (t) => {
    t.string('account_id', 220).notNullable();
    t.string('period', 16).notNullable(); // YYYY-MM
    t.bigInteger('micro_credits').notNullable().defaultTo(0);
    t.bigInteger('tokens').notNullable().defaultTo(0);
    t.bigInteger('requests').notNullable().defaultTo(0);
    t.primary(['account_id', 'period']);
  });

  await db.schema.createTable('billing_budgets', (t) => {
    t.string('id', 64).primary();
    t.string('scope', 16).notNullable(); // key | user | project
    t.string('scope_id', 200).notNullable();
    t.string('period', 8).notNullable(); // day | week | month
    t.bigInteger('soft_limit');
    t.bigInteger('hard_limit');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['scope', 'scope_id', 'period']);
  });

  await db.schema.createTable('billing_budget_usage', (t) => {
    t.string('scope', 16).notNullable();
    t.string('scope_id', 200).notNullable();
    t.string('period_key', 24).notNullable(); // e.g. day:2026-11-28, week:2026-11-23, month:2026-11
    t.bigInteger('spent').notNullable().defaultTo(0);
    t.primary(['scope', 'scope_id', 'period_key']);
  });

  await db.schema.createTable('billing_payments', (t) => {
    t.string('id', 64).primary();
    t.string('provider', 64).notNullable();
    t.string('external_id', 200).notNullable();
    t.string('account_id', 220).notNullable();
    t.bigInteger('amount').notNullable();
    t.string('status', 16).notNullable(); // pending | paid | failed
    t.bigInteger('created_at').notNullable();
    t.bigInteger('completed_at');
    t.unique(['provider', 'external_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of [
    'billing_payments',
    'billing_budget_usage',
    'billing_budgets',
    'billing_period_usage',
    'billing_settlements',
    'billing_grants',
    'billing_holds',
    'billing_journal_lines',
    'billing_journal',
    'billing_accounts',
    'billing_price_history',
    'billing_prices',
    'billing_settings',
  ]) {
    await db.schema.dropTableIfExists(table);
  }
}
