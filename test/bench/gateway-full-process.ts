import { rmSync } from 'node:fs';
import { createGateway } from '../../server/src/gateway';
import { createLogger } from '../../server/src/logger';
import { createTempDatabase } from '../support/postgres';
import { benchEnv, FULL_PIPELINE_ID, limitedFallbackGraph, openaiProvider, TOP_UP_MICROS, type BenchCustomer } from './bench-config';

/**
 * The system under test with every feature a paying customer's request passes through: an API
 * key of a real user (with its own rpm/tpm limits), a pipeline bound to the model name the load
 * uses (the key's rate limit -> fallback between two targets on the same provider), billing in
 * credits mode (a price for the model, credits reserved before the call and settled after it),
 * and usage recording. Set up through the admin API, as an operator would.
 *
 * Prints `CUSTOMER {json}` (the key the load must send, its id, the user and the account) and then
 * `READY <url>/v1`. On SIGUSR2 it prints `STATS {json}` (process.memoryUsage()) for the soak.
 * BENCH_KEY_RPM / BENCH_KEY_TPM set the key's limits (defaults far above what the bench sends:
 * they are checked on every request and never refuse one). Storage is SQLite in a fresh data
 * directory, the default deployment; BENCH_DATABASE=postgres uses a fresh PostgreSQL database on
 * the server of SWITCHYARD_TEST_POSTGRES_URL (default: the local `test` one) instead.
 * Credits are reserved from credit leases (settings.leases), the setting for throughput;
 * BENCH_LEASES=off reserves and settles each request in the database before its answer instead.
 */
const adminKey = process.env.BENCH_KEY ?? 'sy-bench-key';
const rpm = Number(process.env.BENCH_KEY_RPM ?? 10_000_000);
const tpm = Number(process.env.BENCH_KEY_TPM ?? 1_000_000_000);
const MODEL = 'gpt-4o-mini';

const { env, dataDir } = benchEnv('sy-bench-full-', adminKey);
const tempDb = process.env.BENCH_DATABASE === 'postgres' ? await createTempDatabase() : undefined;
if (tempDb) env.databaseUrl = tempDb.url;
const gw = await createGateway({
  env,
  logger: createLogger(env.logLevel),
  config: {
    providers: [openaiProvider(process.env.UPSTREAM_URL!)],
    models: [{ id: MODEL, provider: 'openai' }],
    pipelines: [{ id: FULL_PIPELINE_ID, aliases: [MODEL], graph: limitedFallbackGraph('openai', MODEL) }],
  },
});

async function admin<T>(method: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${gw.url}${path}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

const leases = process.env.BENCH_LEASES !== 'off';
await admin('PATCH', '/api/billing/settings', { mode: 'credits', leases: { enabled: leases } });
// gpt-4o-mini's list price ($0.15 / $0.60 per million tokens), one credit per dollar.
await admin('POST', '/api/billing/prices', { scope: 'provider', scopeId: 'openai', model: MODEL, cost: { inputPer1M: 150_000, outputPer1M: 600_000 } });
const user = await admin<{ id: string }>('POST', '/api/users', { email: 'bench-customer@example.com', name: 'Bench customer', role: 'member' });
const account = `user:${user.id}`;
// About 0.00005 credits a request: a million credits outlast any soak.
await admin('POST', `/api/billing/accounts/${account}/topups`, { amount: TOP_UP_MICROS, memo: 'bench' });
const key = await admin<{ id: string; key: string }>('POST', '/api/keys', { name: 'bench customer', userId: user.id, rpm, tpm });

const customer: BenchCustomer = { key: key.key, keyId: key.id, userId: user.id, account, pipelineId: FULL_PIPELINE_ID };
process.stdout.write(`CUSTOMER ${JSON.stringify(customer)}\n`);
process.stdout.write(`READY ${gw.url}/v1\n`);

// Started with --expose-gc (the soak), it also reports the heap that is live after a full collection.
process.on('SIGUSR2', () => {
  const usage: Record<string, number> = { ...process.memoryUsage() };
  if (globalThis.gc) {
    globalThis.gc();
    usage.liveHeap = process.memoryUsage().heapUsed;
  }
  process.stdout.write(`STATS ${JSON.stringify(usage)}\n`);
});
process.on('SIGTERM', async () => {
  await gw.close();
  await tempDb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
