import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import type { Db } from '../../db/connect';

import { addSpendAndRead, readSpend, spentIn } from '../budgets/budget-usage';
import { payerOf, SYSTEM } from './accounts';
import { addCredit, adjust, expireGrants } from './credits';
import { release, reserve, settle } from './holds';
import { createLedgerWriter, type LedgerWriter } from './ledger-batch';
import { postEntry } from './journal';
import { readPeriodUsage } from './period-usage';
import { monthKey } from '../periods';
import { audit, getAccount, lineBalances } from './queries';
import { releaseExpiredHolds } from './reconcile';

const details = { endpoint: 'chat', providerId: 'p', modelId: 'm', upstreamModel: 'm', promptTokens: 1, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: 0, images: 0, countedLocally: false, costUsd: 0 };

describe('payerOf', () => {
  it('charges the project, else the user; never the admin key or an ownerless principal', () => {
    expect(payerOf({ method: 'api-key', id: 'k', userId: 'u', projectId: 'p', scopes: [] })).toBe('project:p');
    expect(payerOf({ method: 'api-key', id: 'k', userId: 'u', scopes: [] })).toBe('user:u');
    expect(payerOf({ method: 'admin-key', id: 'admin-key', userId: 'u', scopes: ['*'] })).toBeUndefined();
    expect(payerOf({ method: 'api-key', id: 'k', scopes: [] })).toBeUndefined();
    expect(payerOf(undefined)).toBeUndefined();
  });
});

describe.each(await storageBackends())('ledger (%s)', (backend) => {
  let db: Db;
  let tx: LedgerWriter;
  let temp: TestDatabase;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-ledger-');
    db = temp.db;
    tx = createLedgerWriter(db);
  });
  afterAll(async () => {
    await temp?.close();
  });

  const balance = async (id: string) => (await getAccount(db, id))?.balance;

  it('refuses an unbalanced journal entry and writes nothing', async () => {
    await expect(postEntry(db, { kind: 'adjust', accountId: 'user:x' }, [{ account: 'user:x', amount: 5 }, { account: SYSTEM.adjustments, amount: -4 }])).rejects.toThrow(/does not balance/);
    await expect(postEntry(db, { kind: 'adjust', accountId: 'user:x' }, [{ account: 'user:x', amount: 0.5 }, { account: SYSTEM.adjustments, amount: -0.5 }])).rejects.toThrow(/integer/);
    expect(await db('billing_journal').where({ account_id: 'user:x' })).toEqual([]);
  });

  it('holds only what the balance covers, atomically', async () => {
    await addCredit(db, { accountId: 'user:a', amount: 100, kind: 'topup' });
    expect(await reserve(tx, { accountId: 'user:a', requestId: 'r1', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 70 })).toMatchObject({ ok: true, amount: 70 });
    expect(await reserve(tx, { accountId: 'user:a', requestId: 'r2', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 31 })).toEqual({ ok: false, amount: 31, available: 30 });
    expect(await reserve(tx, { accountId: 'user:a', requestId: 'r3', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 30 })).toMatchObject({ ok: true });
    expect(await getAccount(db, 'user:a')).toMatchObject({ balance: 0, held: 100 });
    expect(await reserve(tx, { accountId: 'user:none', requestId: 'r4', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 1 })).toEqual({ ok: false, amount: 1, available: 0 });
    // An estimate past 2^53 micro-credits (max_tokens: 1e300) is not enough credit, not a journal error.
    expect(await reserve(tx, { accountId: 'user:a', requestId: 'r5', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 2e300 })).toEqual({ ok: false, amount: 2e300, available: 0 });
  });

  it('settles the actual charge, returns the rest, and records the month', async () => {
    await addCredit(db, { accountId: 'user:b', amount: 1000, kind: 'topup' });
    const held = await reserve(tx, { accountId: 'user:b', requestId: 's1', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 300 });
    if (!held.ok) throw new Error('not held');
    let seen;
    const s = await settle(tx, {
      accountId: 'user:b',
      holdId: held.holdId,
      reserved: 300,
      requestId: 's1',
      attempt: 1,
      readsPeriodUsage: true,
      details,
      budgets: [],
      chargeFor: (period) => {
        seen = period;
        return { charged: 120, gross: 150, tokens: 42 };
      },
    });
    expect(seen).toMatchObject({ microCredits: 0, tokens: 0, requests: 0 });
    expect(s).toMatchObject({ charged: 120, collected: 120, heldAtSettle: true });
    expect(await getAccount(db, 'user:b')).toMatchObject({ balance: 880, held: 0 });
    const month = new Date().toISOString().slice(0, 7);
    expect(await readPeriodUsage(db, 'user:b', month)).toEqual({ period: month, microCredits: 150, tokens: 42, requests: 1 });
    const lines = await lineBalances(db);
    expect(lines.get(SYSTEM.revenue)).toBeGreaterThanOrEqual(120);
  });

  it('takes a charge above the hold from the balance, only as far as it goes', async () => {
    await addCredit(db, { accountId: 'user:c', amount: 100, kind: 'topup' });
    const held = await reserve(tx, { accountId: 'user:c', requestId: 'o1', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 60 });
    if (!held.ok) throw new Error('not held');
    const s = await settle(tx, { accountId: 'user:c', holdId: held.holdId, reserved: 60, requestId: 'o1', attempt: 1, readsPeriodUsage: false, details, budgets: [], chargeFor: () => ({ charged: 500, gross: 500, tokens: 1 }) });
    expect(s).toMatchObject({ charged: 500, collected: 100 });
    expect(await balance('user:c')).toBe(0);
  });

  it('releases a failed attempt\'s hold once', async () => {
    await addCredit(db, { accountId: 'user:d', amount: 50, kind: 'topup' });
    const held = await reserve(tx, { accountId: 'user:d', requestId: 'f1', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 50 });
    if (!held.ok) throw new Error('not held');
    await release(tx, { accountId: 'user:d', holdId: held.holdId, reserved: 50, requestId: 'f1', attempt: 1, details });
    await release(tx, { accountId: 'user:d', holdId: held.holdId, reserved: 50, requestId: 'f1', attempt: 1, details });
    expect(await getAccount(db, 'user:d')).toMatchObject({ balance: 50, held: 0 });
    // Reconciliation finds it closed too (it releases only the other tests' open holds).
    await releaseExpiredHolds(db, Date.now() + 120_000);
    expect(await getAccount(db, 'user:d')).toMatchObject({ balance: 50, held: 0 });
    expect(await getAccount(db, 'user:a')).toMatchObject({ balance: 100, held: 0 });
  });

  it('credits a payment id once', async () => {
    expect(await addCredit(db, { accountId: 'user:e', amount: 10, kind: 'topup', externalId: 'pay-1' })).toMatchObject({ added: true });
    expect(await addCredit(db, { accountId: 'user:e', amount: 10, kind: 'topup', externalId: 'pay-1' })).toMatchObject({ added: false });
    expect(await balance('user:e')).toBe(10);
  });

  it('expires only the unspent part of a grant, and never more than the balance', async () => {
    const now = Date.now();
    await addCredit(db, { accountId: 'user:f', amount: 100, kind: 'grant', expiresAt: now + 1000 });
    await addCredit(db, { accountId: 'user:f', amount: 100, kind: 'topup' });
    const held = await reserve(tx, { accountId: 'user:f', requestId: 'g1', attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 50, now });
    if (!held.ok) throw new Error('not held');
    await settle(tx, { accountId: 'user:f', holdId: held.holdId, reserved: 50, requestId: 'g1', attempt: 1, readsPeriodUsage: false, details, budgets: [], now, chargeFor: () => ({ charged: 30, gross: 30, tokens: 1 }) });
    expect(await balance('user:f')).toBe(170);
    expect(await expireGrants(db, now + 2000)).toBeGreaterThanOrEqual(1);
    expect(await balance('user:f')).toBe(100);
    // A grant larger than the balance that is left takes only the balance.
    await addCredit(db, { accountId: 'user:g', amount: 100, kind: 'grant', expiresAt: now + 1000 });
    expect(await adjust(db, 'user:g', -80, 'test')).toBe(true);
    await expireGrants(db, now + 2000);
    expect(await balance('user:g')).toBe(0);
  });

  it('spends the grants that expire soonest first, across the charges of one batch', async () => {
    const now = Date.now();
    // Granted in the other order, so neither insertion nor id order gives the soonest expiry.
    await addCredit(db, { accountId: 'user:gr', amount: 100, kind: 'grant', expiresAt: now + 60_000 });
    await addCredit(db, { accountId: 'user:gr', amount: 100, kind: 'grant', expiresAt: now + 10_000 });
    await addCredit(db, { accountId: 'user:gr', amount: 100, kind: 'grant', expiresAt: now - 1 }); // expired, not yet swept: never spent
    await addCredit(db, { accountId: 'user:gr', amount: 1_000, kind: 'topup' });
    const held = await Promise.all([1, 2, 3].map((i) => reserve(tx, { accountId: 'user:gr', requestId: `gr${i}`, attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 60, now })));
    // Three charges of 50 settled together (one batch): 150 spent, 100 from the soonest grant, 50 from the next.
    await Promise.all(
      held.map((h, i) =>
        settle(tx, { accountId: 'user:gr', holdId: h.ok ? h.holdId : null, reserved: 60, requestId: `gr${i + 1}`, attempt: 1, readsPeriodUsage: false, details, budgets: [], now, chargeFor: () => ({ charged: 50, gross: 50, tokens: 1 }) }),
      ),
    );
    const grants = await db('billing_grants').where({ account_id: 'user:gr' }).whereNotNull('expires_at').orderBy('expires_at').select('expires_at', 'remaining');
    expect(grants.map((g) => [Number(g.expires_at) - now, Number(g.remaining)])).toEqual([
      [-1, 100],
      [10_000, 0],
      [60_000, 50],
    ]);
  });

  it('never overdraws when reservations and settlements share commits', async () => {
    await addCredit(db, { accountId: 'user:h', amount: 1_000, kind: 'topup' });
    const grouped = createLedgerWriter(db, { lanes: 2 });
    // 60 concurrent holds of 30 against 1,000: exactly 33 fit; the others are refused in the same batches.
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => reserve(grouped, { accountId: 'user:h', requestId: `h${i}`, attempt: 1, readsPeriodUsage: false, ttlMs: 60_000, amountFor: () => 30 })),
    );
    const held = results.filter((r) => r.ok);
    expect(held).toHaveLength(33);
    for (const r of results.filter((r) => !r.ok)) expect(r).toMatchObject({ amount: 30, available: 10 });
    expect(await db('billing_holds').where({ account_id: 'user:h' })).toHaveLength(33);
    // Settle them all concurrently at 20 each: 33 * 10 comes back.
    await Promise.all(
      held.map((r, i) =>
        settle(grouped, { accountId: 'user:h', holdId: r.ok ? r.holdId : null, reserved: 30, requestId: `h${i}`, attempt: 1, readsPeriodUsage: false, details, budgets: [], chargeFor: () => ({ charged: 20, gross: 20, tokens: 1 }) }),
      ),
    );
    expect(await getAccount(db, 'user:h')).toMatchObject({ balance: 1_000 - 33 * 20, held: 0 });
    expect(await db('billing_settlements').where({ account_id: 'user:h', status: 'settled' })).toHaveLength(33);
  });

  it('spends a monthly allowance once across settlements that share a batch', async () => {
    await addCredit(db, { accountId: 'user:i', amount: 10_000, kind: 'topup' });
    const grouped = createLedgerWriter(db);
    const allowance = 100;
    const seenPeriods: number[] = [];
    const held = await Promise.all(Array.from({ length: 10 }, (_, i) => reserve(grouped, { accountId: 'user:i', requestId: `i${i}`, attempt: 1, readsPeriodUsage: true, ttlMs: 60_000, amountFor: () => 50 })));
    const settled = await Promise.all(
      held.map((r, i) =>
        settle(grouped, {
          accountId: 'user:i',
          holdId: r.ok ? r.holdId : null,
          reserved: 50,
          requestId: `i${i}`,
          attempt: 1,
          readsPeriodUsage: true,
          details,
          budgets: [],
          // A free allowance: the month's first 100 (gross) are free.
          chargeFor: (period) => {
            const before = period!.microCredits;
            seenPeriods.push(before);
            return { charged: Math.max(0, 30 - Math.max(0, allowance - before)), gross: 30, tokens: 1 };
          },
        }),
      ),
    );
    // Each settlement saw the month as the ones before it left it, even inside one batch.
    expect([...seenPeriods].sort((a, b) => a - b)).toEqual([0, 30, 60, 90, 120, 150, 180, 210, 240, 270]);
    expect(settled.reduce((sum, s) => sum + s.charged, 0)).toBe(10 * 30 - allowance);
    expect(await readPeriodUsage(db, 'user:i', monthKey(Date.now()))).toMatchObject({ microCredits: 300, requests: 10 });
    expect(await getAccount(db, 'user:i')).toMatchObject({ balance: 10_000 - 200, held: 0 });
  });

  it('gives each settlement in a batch its budget spend right after its own charge', async () => {
    await addCredit(db, { accountId: 'user:j', amount: 10_000, kind: 'topup' });
    const grouped = createLedgerWriter(db);
    const w = { scope: 'user' as const, scopeId: 'j', periodKey: 'day:2026-02-02' };
    const settled = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        settle(grouped, { accountId: 'user:j', holdId: null, reserved: 0, requestId: `j${i}`, attempt: 1, readsPeriodUsage: false, details, budgets: [w], chargeFor: () => ({ charged: 5, gross: 5, tokens: 1 }) }),
      ),
    );
    const after = settled.map((s) => spentIn(s.spendAfter, w)).sort((a, b) => a - b);
    expect(after).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    expect(spentIn(await readSpend(db, [w]), w)).toBe(40);
  });

  it('counts budget spend atomically under concurrency', async () => {
    const w = { scope: 'user' as const, scopeId: 'spender', periodKey: 'day:2026-01-01' };
    await Promise.all(Array.from({ length: 50 }, () => addSpendAndRead(db, [w], 3)));
    expect(spentIn(await readSpend(db, [w]), w)).toBe(150);
  });

  it('keeps the books balanced through all of the above', async () => {
    const report = await audit(db);
    expect(report).toMatchObject({ unbalancedEntries: [], mismatchedAccounts: [], total: 0 });
    expect(report.holds.fromLines).toBe(report.holds.open);
  });
});
