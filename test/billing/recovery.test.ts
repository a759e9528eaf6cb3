import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { release, reserve, settle } from '../../server/src/billing/ledger/holds';
import { listEntries } from '../../server/src/billing/ledger/queries';
import { storageBackends, type Backend } from '../support/backends';
import { createTempStorage } from '../support/test-database';
import { errors } from '@switchyard/core';
import { asUser, balanceOf, chat, creditsMode, expectBooksBalanced, price, settlements, startBillingGateway, topUp, type BillingGateway } from './support';

const details = { endpoint: 'chat', providerId: 'up', modelId: 'chat', upstreamModel: 'mock-chat', promptTokens: 10, completionTokens: 5, cachedTokens: 0, cacheWriteTokens: 0, images: 0, countedLocally: false, costUsd: 0 };

/** Storage that outlives one gateway, as a database outlives a crashed process. */
async function durableStorage(backend: Backend): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const storage = await createTempStorage(backend, 'sy-billing-');
  return { env: storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : { SWITCHYARD_DATA_DIR: storage.dataDir }, drop: storage.close };
}

describe.each(await storageBackends())('crash recovery (%s)', (backend) => {
  let storage: Awaited<ReturnType<typeof durableStorage>>;
  let gw: BillingGateway;

  beforeAll(async () => {
    storage = await durableStorage(backend);
    gw = await startBillingGateway(backend === 'postgres' ? 'sqlite' : backend, { env: storage.env });
  });
  afterAll(async () => {
    await gw?.stop();
    await storage?.drop();
  });

  it('releases holds left behind by a crashed instance when a new one starts', async () => {
    await topUp(gw, 'user:crash', 1000);
    // An instance reserved for three requests an hour ago, then died before settling them.
    const anHourAgo = Date.now() - 3_600_000;
    for (let i = 0; i < 3; i++) {
      const r = await reserve(gw.billing.ledger, { accountId: 'user:crash', requestId: `lost-${i}`, attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, now: anHourAgo, amountFor: () => 200 });
      expect(r.ok).toBe(true);
    }
    expect(await balanceOf(gw, 'user:crash')).toEqual(expect.objectContaining({ balance: 400, held: 600 }));

    // The process goes away; a new one starts on the same storage.
    await gw.close();
    rmSync(gw.dataDir, { recursive: true, force: true });
    gw = await startBillingGateway(backend === 'postgres' ? 'sqlite' : backend, { env: storage.env });
    expect(await balanceOf(gw, 'user:crash')).toEqual(expect.objectContaining({ balance: 1000, held: 0 }));
    const kinds = (await listEntries(gw.db, { accountId: 'user:crash' })).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'expire')).toHaveLength(3);
    await expectBooksBalanced(gw);
  });

  it('periodic reconciliation releases only holds past their time to live', async () => {
    await topUp(gw, 'user:slowpoke', 1000);
    const now = Date.now();
    await reserve(gw.billing.ledger, { accountId: 'user:slowpoke', requestId: 'old', attempt: 1, readsPeriodUsage: false, ttlMs: 1000, now: now - 5000, amountFor: () => 100 });
    await reserve(gw.billing.ledger, { accountId: 'user:slowpoke', requestId: 'fresh', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, now, amountFor: () => 100 });
    expect((await gw.billing.reconcile(now)).holds).toBe(1);
    expect(await balanceOf(gw, 'user:slowpoke')).toEqual(expect.objectContaining({ balance: 900, held: 100 }));
    expect((await gw.billing.reconcile(now + 61_000)).holds).toBe(1);
    expect((await gw.billing.reconcile(now + 61_000)).holds).toBe(0);
    expect(await balanceOf(gw, 'user:slowpoke')).toEqual(expect.objectContaining({ balance: 1000, held: 0 }));
    await expectBooksBalanced(gw);
  });

  it('settles a request that outlived its hold from the balance, never below zero', async () => {
    await topUp(gw, 'user:late', 100);
    const now = Date.now();
    const r = await reserve(gw.billing.ledger, { accountId: 'user:late', requestId: 'late', attempt: 1, readsPeriodUsage: false, ttlMs: 10, now: now - 1000, amountFor: () => 80 });
    if (!r.ok) throw new Error('reserve failed');
    await gw.billing.reconcile(now);
    expect((await balanceOf(gw, 'user:late')).balance).toBe(100);
    // The answer finally arrives and costs 60: the hold is gone, so the balance pays.
    const s1 = await settle(gw.billing.ledger, { accountId: 'user:late', holdId: r.holdId, reserved: 80, requestId: 'late', attempt: 1, readsPeriodUsage: false, details, budgets: [], chargeFor: () => ({ charged: 60, gross: 60, tokens: 15 }) });
    expect(s1).toMatchObject({ charged: 60, collected: 60, heldAtSettle: false });
    // A second late answer costs more than what is left: only what is there is taken.
    const r2 = await reserve(gw.billing.ledger, { accountId: 'user:late', requestId: 'late2', attempt: 1, readsPeriodUsage: false, ttlMs: 10, now: now - 1000, amountFor: () => 30 });
    if (!r2.ok) throw new Error('reserve failed');
    await gw.billing.reconcile(now);
    const s2 = await settle(gw.billing.ledger, { accountId: 'user:late', holdId: r2.holdId, reserved: 30, requestId: 'late2', attempt: 1, readsPeriodUsage: false, details, budgets: [], chargeFor: () => ({ charged: 70, gross: 70, tokens: 15 }) });
    expect(s2).toMatchObject({ charged: 70, collected: 40 });
    expect((await balanceOf(gw, 'user:late')).balance).toBe(0);
    await expectBooksBalanced(gw);
  });

  it('returns a hold once, however many settlers and reconcilers race for it', async () => {
    await topUp(gw, 'user:racing', 500);
    const now = Date.now();
    const r = await reserve(gw.billing.ledger, { accountId: 'user:racing', requestId: 'race', attempt: 1, readsPeriodUsage: false, ttlMs: 1, now: now - 100, amountFor: () => 300 });
    if (!r.ok) throw new Error('reserve failed');
    await Promise.all([
      gw.billing.reconcile(now),
      release(gw.billing.ledger, { accountId: 'user:racing', holdId: r.holdId, reserved: 300, requestId: 'race', attempt: 1, details }),
      gw.billing.reconcile(now),
    ]);
    expect(await balanceOf(gw, 'user:racing')).toEqual(expect.objectContaining({ balance: 500, held: 0 }));
    await expectBooksBalanced(gw);
  });
});

describe.each(await storageBackends())('a later hook refusing the attempt (%s)', (backend) => {
  let gw: BillingGateway;
  let refuse = false;

  beforeAll(async () => {
    gw = await startBillingGateway(backend, {
      hooks: [
        {
          beforeAttempt() {
            if (refuse) throw errors.rateLimited('refused by a later hook', undefined, 'test_refusal');
          },
        },
      ],
    });
    await creditsMode(gw);
    await price(gw, 'up', 'mock-chat', { inputPer1M: 1_000_000, outputPer1M: 2_000_000 });
  });
  afterAll(() => gw?.stop());

  it('gets billing\'s hold back at once, not at its expiry', async () => {
    await topUp(gw, 'user:refused', 1000);
    refuse = true;
    const r = await chat(gw, asUser('refused'), { model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('test_refusal');
    expect(await balanceOf(gw, 'user:refused')).toEqual(expect.objectContaining({ balance: 1000, held: 0 }));
    expect(await settlements(gw, { account_id: 'user:refused' })).toEqual([expect.objectContaining({ status: 'released', charged: 0 })]);
    await expectBooksBalanced(gw);
  });
});
