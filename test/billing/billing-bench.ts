/**
 * What billing costs on the request path: requests per second through the real HTTP gateway
 * (mock provider), pay-your-own-keys against credits mode, on SQLite and PostgreSQL.
 * Run: node --no-node-snapshot --import tsx test/billing/billing-bench.ts
 */
import type { Backend } from '../support/backends';
import { postgresAvailable } from '../support/postgres';
import { asUser, chat, creditsMode, price, startBillingGateway, topUp } from './support';

const CONCURRENCY = 32;
const REQUESTS = 2000;

async function run(backend: Backend, mode: 'byok' | 'credits', payers: number): Promise<void> {
  const gw = await startBillingGateway(backend);
  try {
    await price(gw, 'up', 'mock-chat', { inputPer1M: 1_000_000, outputPer1M: 2_000_000 });
    if (mode === 'credits') {
      await creditsMode(gw);
      for (let p = 0; p < payers; p++) await topUp(gw, `user:bench${p}`, 1_000_000_000);
    }
    const body = { model: 'chat', max_tokens: 16, messages: [{ role: 'user', content: 'Summarise the quarterly report in three short bullet points.' }] };
    for (let i = 0; i < 100; i++) await chat(gw, asUser(`bench${i % payers}`), body); // warm up
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        while (next++ < REQUESTS) {
          const r = await chat(gw, asUser(`bench${worker % payers}`), body);
          if (r.status !== 200) throw new Error(`status ${r.status}`);
        }
      }),
    );
    const s = (performance.now() - t0) / 1000;
    console.log(`${backend.padEnd(9)} ${mode.padEnd(8)} ${String(payers).padStart(2)} payer(s) ${(REQUESTS / s).toFixed(0).padStart(6)} req/s  (${REQUESTS} requests, ${CONCURRENCY} at a time)`);
  } finally {
    await gw.stop();
  }
}

for (const backend of ['sqlite', ...((await postgresAvailable()) ? ['postgres'] : [])] as Backend[]) {
  await run(backend, 'byok', 1);
  await run(backend, 'credits', 1);
  await run(backend, 'credits', CONCURRENCY);
}
