import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../../../../test/support/backends';
import { openTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import type { Db } from '../../db/connect';
import { journalsWritten } from '../../journal/journal-turn';
import { OWNER_FILE } from '../../journal/local-journal';
import { addCredit } from './credits';
import { chargeJournalDir, openChargeJournal, recoverCharges } from './charge-journal';
import type { LeaseChargeInput } from './lease-ops';
import { CHARGE_WINDOW_MAX, CHARGE_WINDOW_MS, LeaseBook, MAX_PENDING_CHARGES, type LeaseSizing } from './leases';
import { createLedgerWriter, type LedgerOp, type LedgerWriter } from './ledger-batch';
import { audit, getAccount } from './queries';
import { releaseExpiredHolds } from './reconcile';

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;
const details = { endpoint: 'chat', providerId: 'p', modelId: 'm', upstreamModel: 'm', promptTokens: 1, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: 0, images: 0, countedLocally: false, costUsd: 0 };
const facts = (requestId: string, charged: number) => ({ requestId, attempt: 1, details, budgets: [], charged, gross: charged, tokens: 2, now: Date.now() });

describe.each(await storageBackends())('credit leases (%s)', (backend) => {
  let db: Db;
  let ledger: LedgerWriter;
  let temp: TestDatabase;
  let n = 0;

  beforeAll(async () => {
    temp = await openTestDatabase(backend, 'sy-leases-');
    db = temp.db;
    ledger = createLedgerWriter(db, { lanes: backend === 'postgres' ? 4 : 1 });
  });
  afterAll(async () => {
    await temp?.close();
  });

  const book = (sizing: Partial<LeaseSizing> = {}, extra: Partial<ConstructorParameters<typeof LeaseBook>[0]> = {}) =>
    new LeaseBook({ db, ledger, logger: quiet, owner: `gw_test_${++n}`, sizing: () => ({ size: 1_000, idleMs: 60_000, ttlMs: 60_000, ...sizing }), ...extra });
  const funded = async (amount: number) => {
    const id = `user:lease${++n}`;
    await addCredit(db, { accountId: id, amount, kind: 'topup' });
    return id;
  };
  const holdsOf = (id: string) => db('billing_holds').where({ account_id: id }).select('id', 'amount', 'status');
  const booksBalance = async () => {
    const report = await audit(db);
    expect(report.unbalancedEntries).toEqual([]);
    expect(report.mismatchedAccounts).toEqual([]);
    expect(report.holds.fromLines).toBe(report.holds.open);
    expect(report.total).toBe(0);
  };

  it('takes a lease once and reserves from it in memory; charges reach the database afterwards', async () => {
    const payer = await funded(10_000);
    const leases = book();
    const reserved = await Promise.all(Array.from({ length: 10 }, () => leases.reserve(payer, 50)));
    expect(reserved.every((r) => r.ok)).toBe(true);
    // One hold row for ten requests: the lease.
    expect(await holdsOf(payer)).toEqual([expect.objectContaining({ amount: 1_000, status: 'open' })]);
    expect(await getAccount(db, payer)).toMatchObject({ balance: 9_000, held: 1_000 });

    const charges = reserved.map((r, i) => (r.ok ? leases.settle(r.lease, 50, facts(`lr${n}_${i}`, 30)) : undefined)!);
    expect(charges.every((c) => c.collected === 30)).toBe(true);
    await leases.flush();
    const rows = await db('billing_settlements').whereIn('id', charges.map((c) => c.settlementId));
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => Number(r.collected) === 30 && r.status === 'settled')).toBe(true);
    expect(await getAccount(db, payer)).toMatchObject({ balance: 9_000, held: 700 });
    await booksBalance();

    // A clean shutdown gives the lease back: the balance is what was paid in less what was charged.
    await leases.close();
    expect(await getAccount(db, payer)).toMatchObject({ balance: 9_700, held: 0 });
    expect(await holdsOf(payer)).toEqual([expect.objectContaining({ amount: 0, status: 'released' })]);
    await booksBalance();
  });

  it('sends the charges of one window to the database together, without waiting for a flush', async () => {
    const payer = await funded(10_000);
    const submitted: number[] = [];
    let sent = 0;
    const counting = {
      submit: (key: string, op: LedgerOp) => {
        if (op.kind === 'lease-charge') submitted.push(performance.now());
        return ledger.submit(key, op).finally(() => (op.kind === 'lease-charge' ? sent++ : undefined));
      },
      drain: () => ledger.drain(),
    } as unknown as LedgerWriter;
    const leases = book({}, { ledger: counting });
    const reserved = await Promise.all(Array.from({ length: 5 }, () => leases.reserve(payer, 10)));
    const decidedAt = performance.now();
    const charges = reserved.map((r, i) => (r.ok ? leases.settle(r.lease, 10, facts(`lw${n}_${i}`, 10)) : undefined)!);
    await Promise.resolve();
    expect(submitted).toHaveLength(0); // decided and journaled; the database waits for the window
    await Promise.all(charges.map((c) => c.written));
    expect(sent).toBe(5);
    // All five left together, when the window closed.
    expect(Math.max(...submitted) - Math.min(...submitted)).toBeLessThan(5);
    expect(Math.min(...submitted) - decidedAt).toBeGreaterThanOrEqual(CHARGE_WINDOW_MS - 5);
    await leases.close();
    expect(await getAccount(db, payer)).toMatchObject({ balance: 9_950, held: 0 });
    await booksBalance();
  });

  it('sends a full window at once', async () => {
    const payer = await funded(10_000);
    let submitted = 0;
    const counting = {
      submit: (key: string, op: LedgerOp) => {
        if (op.kind === 'lease-charge') submitted++;
        return ledger.submit(key, op);
      },
      drain: () => ledger.drain(),
    } as unknown as LedgerWriter;
    const leases = book({ size: 10_000 }, { ledger: counting });
    for (let i = 0; i < CHARGE_WINDOW_MAX + 1; i++) {
      const r = await leases.reserve(payer, 1);
      if (r.ok) leases.settle(r.lease, 1, facts(`lf${n}_${i}`, 1));
    }
    await new Promise((r) => setImmediate(r));
    expect(submitted).toBe(CHARGE_WINDOW_MAX); // the last one waits in the next window
    await leases.close();
    expect(submitted).toBe(CHARGE_WINDOW_MAX + 1);
    expect(await getAccount(db, payer)).toMatchObject({ balance: 10_000 - CHARGE_WINDOW_MAX - 1, held: 0 });
    await booksBalance();
  });

  it('refuses exactly the requests the balance cannot cover, with nothing written for them', async () => {
    const payer = await funded(1_000);
    const leases = book({ size: 100_000 });
    const results = await Promise.all(Array.from({ length: 60 }, () => leases.reserve(payer, 30)));
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(33);
    for (const r of results.filter((x) => !x.ok)) expect(r).toEqual({ ok: false, amount: 30, available: 10 });
    expect(await getAccount(db, payer)).toMatchObject({ balance: 0, held: 1_000 });
    for (const r of ok) if (r.ok) leases.release(r.lease, 30, { requestId: 'x', attempt: 1, details, budgets: [], now: Date.now() });
    await leases.close();
    expect(await getAccount(db, payer)).toMatchObject({ balance: 1_000, held: 0 });
    await booksBalance();
  });

  it('never lets two instances together spend more than the balance', async () => {
    const payer = await funded(5_000);
    const a = book({ size: 700 });
    const b = book({ size: 700 });
    const all = await Promise.all(Array.from({ length: 80 }, async (_, i) => ({ on: i % 2 ? a : b, r: await (i % 2 ? a : b).reserve(payer, 100) })));
    const granted = all.filter((x) => x.r.ok).length;
    expect(granted).toBeLessThanOrEqual(50);
    // Some are refused while the other instance's lease still has room: leases are per instance.
    expect(granted).toBeGreaterThanOrEqual(40);
    for (const { on, r } of all) if (r.ok) on.settle(r.lease, 100, facts(`two${n}`, 100));
    await Promise.all([a.close(), b.close()]);
    const account = await getAccount(db, payer);
    expect(account!.balance).toBe(5_000 - granted * 100);
    expect(account!.balance).toBeGreaterThanOrEqual(0);
    await booksBalance();
  });

  it('takes a charge above its reservation from the lease, and records a shortfall when the lease runs dry', async () => {
    const payer = await funded(500);
    const leases = book({ size: 10_000 });
    const first = await leases.reserve(payer, 100);
    const second = await leases.reserve(payer, 100);
    if (!first.ok || !second.ok) throw new Error('not reserved');
    expect(leases.settle(first.lease, 100, facts('over1', 250)).collected).toBe(250); // 100 held + 150 of the 300 free
    const dry = leases.settle(second.lease, 100, facts('over2', 400)); // 100 held + the 150 left
    expect(dry).toMatchObject({ charged: 400, collected: 250 });
    await leases.close();
    expect(await getAccount(db, payer)).toMatchObject({ balance: 0, held: 0 });
    const row = await db('billing_settlements').where({ id: dry.settlementId }).first();
    expect([Number(row.charged), Number(row.collected)]).toEqual([400, 250]);
    await booksBalance();
  });

  it('gives an idle lease back and renews one in use', async () => {
    const payer = await funded(3_000);
    const idle = await funded(3_000);
    const leases = book({ idleMs: 1_000, ttlMs: 10_000 });
    const busy = await leases.reserve(payer, 10);
    expect((await leases.reserve(idle, 10)).ok).toBe(true);
    const quiet = await leases.reserve(idle, 0);
    if (!busy.ok || !quiet.ok) throw new Error('not reserved');
    leases.release(quiet.lease, 10, { requestId: 'i1', attempt: 1, details, budgets: [], now: Date.now() });
    leases.release(quiet.lease, 0, { requestId: 'i2', attempt: 1, details, budgets: [], now: Date.now() });
    const later = Date.now() + 5_000;
    await leases.maintain(later);
    await leases.flush();
    expect(await getAccount(db, idle)).toMatchObject({ balance: 3_000, held: 0 });
    const [held] = await holdsOf(payer);
    expect(Number((await db('billing_holds').where({ id: held.id }).first()).expires_at)).toBe(later + 10_000);
    leases.release(busy.lease, 10, { requestId: 'b1', attempt: 1, details, budgets: [], now: Date.now() });
    await leases.close();
  });

  it('after reconciliation expired its lease, takes charges in flight from the balance and starts a new lease', async () => {
    const payer = await funded(2_000);
    const leases = book({ ttlMs: 1_000 });
    const inFlight = await leases.reserve(payer, 100);
    if (!inFlight.ok) throw new Error('not reserved');
    expect(await releaseExpiredHolds(db, Date.now() + 2_000)).toBeGreaterThanOrEqual(1);
    expect(await getAccount(db, payer)).toMatchObject({ balance: 2_000, held: 0 });
    await leases.maintain(Date.now() + 500); // a renewal is due: it finds the row expired
    expect(leases.settle(inFlight.lease, 100, facts('late1', 80)).collected).toBe(80);
    expect((await leases.reserve(payer, 100)).ok).toBe(true);
    await leases.flush();
    expect(await getAccount(db, payer)).toMatchObject({ balance: 920 }); // 2000 - 80 charged - a new 1000 lease
    await booksBalance();
    await leases.close();
  });

  it('makes new reservations wait while too many charges are still unwritten (memory stays bounded)', async () => {
    const payer = await funded(100_000);
    // A database that takes charges only when told to.
    const held: Array<() => void> = [];
    let holding = true;
    const slow = {
      submit: (key: string, op: LedgerOp) => (op.kind === 'lease-charge' && holding ? new Promise<void>((r) => held.push(r)).then(() => ledger.submit(key, op)) : ledger.submit(key, op)),
      drain: () => ledger.drain(),
    } as unknown as LedgerWriter;
    const leases = new LeaseBook({ db, ledger: slow, logger: quiet, owner: `gw_slow_${n}`, sizing: () => ({ size: 100_000, idleMs: 60_000, ttlMs: 60_000 }) });
    for (let i = 0; i < MAX_PENDING_CHARGES; i++) {
      const r = await leases.reserve(payer, 1);
      if (!r.ok) throw new Error('not reserved');
      leases.settle(r.lease, 1, facts(`bp${n}_${i}`, 1));
    }
    expect(leases.pendingCharges).toBe(MAX_PENDING_CHARGES);
    let admitted = false;
    const next = leases.reserve(payer, 1).then((r) => {
      admitted = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(admitted).toBe(false);
    // Half of them written: the waiting reservation goes ahead.
    for (const write of held.splice(0, MAX_PENDING_CHARGES / 2)) write();
    expect((await next).ok).toBe(true);
    for (const write of held.splice(0)) write();
    const r = await next;
    // The release's charge is sent with its window (on close at the latest): no longer held back.
    holding = false;
    if (r.ok) leases.release(r.lease, 1, { requestId: 'bp-last', attempt: 1, details, budgets: [], now: Date.now() });
    await leases.close();
    expect(await getAccount(db, payer)).toMatchObject({ balance: 100_000 - MAX_PENDING_CHARGES, held: 0 });
    await booksBalance();
  });

  it('replays the charges a killed instance journaled but never wrote, exactly once', async () => {
    const payer = await funded(4_000);
    const journalRoot = mkdtempSync(path.join(tmpdir(), 'sy-charges-'));
    const owner = `gw_killed_${n}`;
    // The killed instance's writer: leases are taken, but charges never reach the database.
    const stuck = { submit: (key: string, op: LedgerOp) => (op.kind === 'lease-charge' ? new Promise(() => undefined) : ledger.submit(key, op)), drain: () => ledger.drain() } as unknown as LedgerWriter;
    const journal = openChargeJournal(journalRoot, owner, quiet);
    const killed = new LeaseBook({ db, ledger: stuck, logger: quiet, owner, journal, sizing: () => ({ size: 1_000, idleMs: 60_000, ttlMs: 60_000 }) });
    const decided: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await killed.reserve(payer, 100);
      if (!r.ok) throw new Error('not reserved');
      decided.push(killed.settle(r.lease, 100, facts(`k${i}`, 60 + i)).settlementId);
    }
    await journalsWritten(); // the turn ended (and the answers left) before the kill
    // The process is gone: its journal folder names a pid that does not run.
    const folder = path.join(chargeJournalDir(journalRoot), owner);
    const ownerFile = path.join(folder, OWNER_FILE);
    writeFileSync(ownerFile, JSON.stringify({ ...JSON.parse(readFileSync(ownerFile, 'utf8')), pid: 2 ** 22 + 4321 }));
    const copy = readFileSync(path.join(folder, 'segment-000000.jsonl'), 'utf8');
    expect(copy.trim().split('\n').map((l) => (JSON.parse(l) as LeaseChargeInput).settlementId)).toEqual(decided);

    expect(await recoverCharges({ dataDir: journalRoot, instanceId: 'gw_survivor', ledger, logger: quiet })).toBe(3);
    expect(await db('billing_settlements').whereIn('id', decided)).toHaveLength(3);
    // The lease paid for them: it holds what is left.
    expect(await getAccount(db, payer)).toMatchObject({ balance: 3_000, held: 1_000 - 60 - 61 - 62 });

    // The same journal found again (say, restored from a backup): nothing is charged twice.
    const again = path.join(chargeJournalDir(journalRoot), `${owner}_again`);
    mkdirSync(again, { recursive: true });
    writeFileSync(path.join(again, 'segment-000000.jsonl'), copy);
    expect(await recoverCharges({ dataDir: journalRoot, instanceId: 'gw_survivor', ledger, logger: quiet })).toBe(0);
    expect(await db('billing_settlements').whereIn('id', decided)).toHaveLength(3);
    expect(await getAccount(db, payer)).toMatchObject({ balance: 3_000, held: 817 });

    // The dead instance's lease expires; the survivor's reconciliation gives back what is left.
    await releaseExpiredHolds(db, Date.now() + 120_000);
    expect(await getAccount(db, payer)).toMatchObject({ balance: 4_000 - 183, held: 0 });
    await booksBalance();
    journal.close();
    rmSync(journalRoot, { recursive: true, force: true });
  });
});
