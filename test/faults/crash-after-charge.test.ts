import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knex, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startInstance, type Instance } from '../scale/instances';
import { ADMIN_KEY, MASTER_KEY, call, dataDirWithProvider, within } from './support';

const CRASHING_GATEWAY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-after-charge-gateway.ts');

/**
 * The default ledger commits a charge before its answer, and the usage event follows. A process
 * killed with SIGKILL exactly between the two (crash-after-charge-gateway.ts does it to itself)
 * leaves a charge and no usage event; the next gateway on the same data folder must give that
 * charge its usage row, from the charge notice the dead one wrote to its usage journal.
 */
describe('kill -9 between a charge and its usage event (default ledger, SQLite)', () => {
  let upstream: OpenAIEmulator;
  let data: { dir: string; configFile: string };
  let env: Record<string, string>;
  let a: Instance | undefined;
  let b: Instance | undefined;
  let sql: Knex;

  beforeAll(async () => {
    upstream = await startOpenAIEmulator();
    data = dataDirWithProvider(upstream.openaiUrl);
    env = {
      SWITCHYARD_DATA_DIR: data.dir,
      SWITCHYARD_CONFIG: data.configFile,
      SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
      SWITCHYARD_MASTER_KEY: MASTER_KEY,
      SWITCHYARD_LOG_LEVEL: 'warn',
      SWITCHYARD_REQUEST_LOG: 'false',
      SWITCHYARD_SEED_MOCK: 'false',
    };
    a = await startInstance(env, CRASHING_GATEWAY);
    sql = knex({ client: 'sqlite3', connection: { filename: path.join(data.dir, 'switchyard.db') }, useNullAsDefault: true, pool: { min: 0, max: 1 } });
  }, 60_000);

  afterAll(async () => {
    if (a && a.process.exitCode === null && a.process.signalCode === null) await a.stop();
    await b?.stop();
    await sql?.destroy();
    await upstream?.close();
    if (data) rmSync(data.dir, { recursive: true, force: true });
  });

  it('gives the charge its usage row when the next gateway starts on the same data folder', async () => {
    expect((await call(a!.url, 'PATCH', '/api/billing/settings', { mode: 'credits' })).status).toBe(200);
    const priced = await call(a!.url, 'POST', '/api/billing/prices', { scope: 'provider', scopeId: 'openai', model: 'gpt-4o-mini', cost: { inputPer1M: 1_000_000, outputPer1M: 2_000_000 } });
    expect(priced.status, JSON.stringify(priced.body)).toBe(201);
    const user = await call(a!.url, 'POST', '/api/users', { email: 'crashed@example.com', role: 'member', password: 'fault-test-password-1' });
    const key = await call(a!.url, 'POST', '/api/keys', { name: 'paying', userId: user.body.id });
    expect(key.status).toBe(201);
    const account = `user:${user.body.id}`;
    expect((await call(a!.url, 'POST', `/api/billing/accounts/${account}/topups`, { amount: 10_000_000 })).status).toBe(201);

    const ask = (requestId: string) =>
      fetch(`${a!.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.body.key}`, 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'what does it cost?' }] }),
      });
    expect((await ask('answered-1')).status).toBe(200);
    const exited = new Promise((resolve) => a!.process.once('exit', (_code, signal) => resolve(signal)));
    await expect(ask('crash-1')).rejects.toThrow(); // no answer: the process is gone
    expect(await exited).toBe('SIGKILL');

    // The charge was committed; its usage event never was.
    const charge = await sql('billing_settlements').where({ request_id: 'crash-1' }).first();
    expect(charge).toMatchObject({ status: 'settled', account_id: account });
    expect(Number(charge.collected)).toBeGreaterThan(0);
    expect(await sql('usage_events').where({ request_id: 'crash-1' })).toEqual([]);

    // The next gateway on this data folder stores what the dead one left in its usage journal.
    b = await startInstance(env);
    let row: Record<string, any> | undefined;
    await within(15_000, async () => {
      row = await sql('usage_events').where({ request_id: 'crash-1' }).first();
      expect(row).toBeDefined();
    }, 250);
    expect(row).toMatchObject({
      status: 502,
      error_code: 'gateway_stopped_before_answer',
      key_id: key.body.id,
      user_id: user.body.id,
      provider_id: 'openai',
      model_id: 'gpt-4o-mini',
      prompt_tokens: charge.prompt_tokens,
      completion_tokens: charge.completion_tokens,
    });
    expect(Number(row!.credits_micros)).toBe(Number(charge.collected));
    // The answered request has its own row, once, and nothing else was made up.
    expect((await sql('usage_events').where({ request_id: 'answered-1' })).map((r) => r.status)).toEqual([200]);
    expect(await sql('usage_events').count({ n: '*' }).first()).toEqual({ n: 2 });
    expect(b.output()).toMatch(/recorded charges a stopped gateway committed without answering/);
  }, 60_000);
});
