import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../support/gateway';
import { storageBackends } from '../support/backends';
import { createTempDatabase, postgresAvailable, type TempDatabase } from '../support/postgres';
import { asUser, balanceOf, chat, creditsMode, expectBooksBalanced, price, settlements, startBillingGateway, topUp, upstreamCalls, type BillingGateway } from './support';

const CARD = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 };
const REQUESTS = 300;

/** Fires `n` chat requests at once (spread over the gateways) and sorts the answers by status. */
async function storm(gateways: TestGateway[], user: string, n: number) {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => chat(gateways[i % gateways.length], asUser(user), { model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: `go ${i % 7}` }] })),
  );
  const byStatus = new Map<number, typeof results>();
  for (const r of results) byStatus.set(r.status, [...(byStatus.get(r.status) ?? []), r]);
  return { results, ok: byStatus.get(200) ?? [], refused: byStatus.get(402) ?? [], other: results.filter((r) => r.status !== 200 && r.status !== 402) };
}

/**
 * The invariants after a storm: nothing overdrawn, nothing lost or counted twice. Every answered
 * request has exactly one settled row and every refused one none; the payer's balance plus what
 * was collected equals what was put in; no hold is left open; the books balance.
 */
async function expectExact(gw: BillingGateway, account: string, funded: number, outcome: Awaited<ReturnType<typeof storm>>) {
  expect(outcome.other.map((r) => r.body)).toEqual([]);
  const rows = await settlements(gw, { account_id: account });
  const settled = rows.filter((r) => r.status === 'settled');
  expect(settled).toHaveLength(outcome.ok.length);
  expect(new Set(settled.map((r) => r.request_id))).toEqual(new Set(outcome.ok.map((r) => r.requestId)));
  for (const r of outcome.refused) expect(rows.some((row) => row.request_id === r.requestId)).toBe(false);
  for (const r of outcome.refused) expect(r.body.error.code).toBe('insufficient_credits');
  // Each answer's charge is its own usage at the price; none went uncollected.
  for (const r of outcome.ok) {
    const row = settled.find((s) => s.request_id === r.requestId)!;
    expect(Number(row.charged)).toBe(r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens);
    expect(Number(row.collected)).toBe(Number(row.charged));
  }
  const collected = settled.reduce((t, r) => t + Number(r.collected), 0);
  const { balance, held } = await balanceOf(gw, account);
  expect(held).toBe(0);
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(balance).toBe(funded - collected);
  await expectBooksBalanced(gw);
}

describe.each(await storageBackends())('concurrency (%s)', (backend) => {
  let gw: BillingGateway;

  beforeAll(async () => {
    gw = await startBillingGateway(backend);
    await creditsMode(gw);
    await price(gw, 'up', 'mock-chat', CARD);
  });
  afterAll(() => gw?.stop());

  it(`${REQUESTS} simultaneous requests against a small balance: no overdraft, no lost or doubled credit`, async () => {
    // Enough for a few dozen reservations at once, far fewer than the requests.
    const funded = 600;
    await topUp(gw, 'user:racer', funded);
    const calls = upstreamCalls.count;
    const outcome = await storm([gw], 'racer', REQUESTS);
    expect(outcome.ok.length).toBeGreaterThan(0);
    expect(outcome.refused.length).toBeGreaterThan(0);
    // Refused requests never reached the provider.
    expect(upstreamCalls.count - calls).toBe(outcome.ok.length);
    await expectExact(gw, 'user:racer', funded, outcome);
  });

  it('the database refuses an overdraft even if asked directly', async () => {
    await topUp(gw, 'user:direct', 5);
    await expect(gw.db('billing_accounts').where({ id: 'user:direct' }).update({ balance: -1 })).rejects.toThrow();
    expect((await balanceOf(gw, 'user:direct')).balance).toBe(5);
  });
});

const pg = await postgresAvailable();

describe.runIf(pg)('two gateway instances on one PostgreSQL database', () => {
  let db: TempDatabase;
  let a: BillingGateway;
  let b: BillingGateway;

  beforeAll(async () => {
    db = await createTempDatabase();
    // One at a time: the second finds the schema migrated and the list prices seeded.
    a = await startBillingGateway('sqlite', { env: { DATABASE_URL: db.url } });
    b = await startBillingGateway('sqlite', { env: { DATABASE_URL: db.url } });
    await creditsMode(a);
    await price(a, 'up', 'mock-chat', CARD);
    // B learns of A's changes on its next refresh (each reconciliation interval in production).
    await b.billing.refresh();
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  it('race on one balance without overdraft or lost credit', async () => {
    expect(b.billing.settings.mode).toBe('credits');
    const funded = 500;
    await topUp(a, 'user:shared', funded);
    const outcome = await storm([a, b], 'shared', REQUESTS);
    expect(outcome.ok.length).toBeGreaterThan(0);
    expect(outcome.refused.length).toBeGreaterThan(0);
    // Both instances answered some of the successful requests.
    const settledRows = await settlements(a, { account_id: 'user:shared', status: 'settled' });
    expect(settledRows.length).toBe(outcome.ok.length);
    await expectExact(a, 'user:shared', funded, outcome);
  });

  it('reconciliation on both instances at once returns each abandoned hold exactly once', async () => {
    const { reserve } = await import('../../server/src/billing/ledger/holds');
    await topUp(a, 'user:abandoned', 1000);
    const past = Date.now() - 10_000;
    for (let i = 0; i < 20; i++) {
      const r = await reserve(a.billing.ledger, { accountId: 'user:abandoned', requestId: `crashed-${i}`, attempt: 1, readsPeriodUsage: false, ttlMs: 1000, now: past, amountFor: () => 50 });
      expect(r.ok).toBe(true);
    }
    expect(await balanceOf(a, 'user:abandoned')).toEqual(expect.objectContaining({ balance: 0, held: 1000 }));
    const [ra, rb] = await Promise.all([a.billing.reconcile(), b.billing.reconcile()]);
    expect(ra.holds + rb.holds).toBe(20);
    expect(await balanceOf(a, 'user:abandoned')).toEqual(expect.objectContaining({ balance: 1000, held: 0 }));
    await expectBooksBalanced(a);
  });
});
