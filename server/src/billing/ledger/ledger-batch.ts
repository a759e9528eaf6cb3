import type { PeriodUsage } from '@switchyard/spec';
import { isPostgres, type Db } from '../../db/connect';
import { GroupCommit, type GroupCommitOptions } from '../../db/group-commit';
import type { SqlValue } from '../../db/sql-insert';
import { WriteBatch } from '../../db/write-batch';
import { newId } from '../../repos/ids';
import { addSpend, readSpend, windowKey, type SpendWindow } from '../budgets/budget-usage';
import { monthKey } from '../periods';
import { SYSTEM } from './accounts';
import type { ReleaseInput, ReserveInput, ReserveResult, SettleInput, SettlementDetails, SettleResult } from './holds';
import { grantTakes, type GrantLeft } from './credits';
import { entryRows, type EntryMeta, type EntryRows } from './journal';
import type { LeaseChargeInput, LeaseChargeResult, LeaseReturnInput, LeaseTakeInput, LeaseTakeResult } from './lease-ops';
import { addPeriodUsage, periodKey, readPeriodUsages } from './period-usage';

export type LedgerOp =
  | { kind: 'reserve'; input: ReserveInput }
  | { kind: 'settle'; input: SettleInput }
  | { kind: 'release'; input: ReleaseInput }
  | { kind: 'lease-take'; input: LeaseTakeInput }
  | { kind: 'lease-charge'; input: LeaseChargeInput }
  | { kind: 'lease-return'; input: LeaseReturnInput };
export type LedgerOpResult = ReserveResult | SettleResult | LeaseTakeResult | LeaseChargeResult | undefined;

/** An open lease (a hold an instance draws on, see leases.ts) as the batch sees it. */
interface LeaseRow {
  /** Its amount before the batch. */
  amount: number;
  /** Net change this batch makes to it. */
  delta: number;
  expiresAt?: number;
  closedAt?: number;
}

/** A payer as the batch sees it: read once under its row lock, then kept up to date in memory. */
interface Payer {
  balance: number;
  creditLimit: number;
  /** Net change this batch makes to the stored balance. */
  delta: number;
}


/**
 * The request path's ledger work (reserve, settle, release) for a batch of requests, in one
 * transaction with a few set-based statements instead of ~11 per request. Results are exactly
 * those of running the operations one after another: payers' rows are read once under their lock
 * (PostgreSQL: FOR UPDATE; SQLite has one writer) and every decision (is the hold covered, how much
 * of a charge above its hold can be collected, what the month so far is for rules that read it,
 * each budget's spend after each charge) is made in memory in submission order. Holds are
 * closed first, then payer rows locked: the ledger's lock order everywhere (see holds.ts).
 */
export async function applyLedgerBatch(trx: Db, ops: LedgerOp[]): Promise<LedgerOpResult[]> {
  const at = Date.now();
  // Issued together, so the batch waits one turn of the event loop for them instead of one each.
  // PostgreSQL runs them in the order they are sent on the connection (holds closed, leases, payers),
  // which keeps the ledger's lock order; each function sends its statements before it first waits.
  const [openHolds, [leases, payers, grants], recorded, periods] = await Promise.all([
    closeOpenHolds(trx, ops),
    readAccounts(trx, ops, at),
    recordedSettlements(trx, ops),
    readPeriods(trx, ops),
  ]);
  const periodDelta = new Map<string, { account: string; period: string; microCredits: number; tokens: number; requests: number }>();

  const holdRows: Array<Record<string, SqlValue>> = [];
  const journal: EntryRows[] = [];
  const settlementRows: Array<Record<string, SqlValue>> = [];
  const collectedBy = new Map<string, number>();
  const spendDelta = new Map<string, { window: SpendWindow; amount: number }>();
  /** Per settle with budgets: its op index and what each of its windows had received when it ran. */
  const spendMarks: Array<{ index: number; windows: SpendWindow[]; upTo: Map<string, number> }> = [];
  const results: LedgerOpResult[] = [];

  const post = (meta: EntryMeta, lines: Array<{ account: string; amount: number }>) => {
    const rows = entryRows(meta, lines);
    if (rows) journal.push(rows);
  };
  const periodNow = (account: string, period: string): PeriodUsage => {
    const base = periods.get(periodKey(account, period));
    const d = periodDelta.get(periodKey(account, period));
    return {
      period,
      microCredits: (base?.microCredits ?? 0) + (d?.microCredits ?? 0),
      tokens: (base?.tokens ?? 0) + (d?.tokens ?? 0),
      requests: (base?.requests ?? 0) + (d?.requests ?? 0),
    };
  };

  /** A charge's settlement row, and what it adds to grants spent, the payer's month and budgets. */
  const account = (
    index: number,
    input: Parameters<typeof settlementRow>[0] & { budgets: SpendWindow[] },
    c: { charged: number; gross: number; tokens: number; collected: number; now: number; id?: string },
  ): string => {
    const row = settlementRow(input, { status: 'settled', ...c });
    settlementRows.push(row);
    if (c.collected > 0) collectedBy.set(input.accountId, (collectedBy.get(input.accountId) ?? 0) + c.collected);
    const month = monthKey(c.now);
    const pk = periodKey(input.accountId, month);
    const pd = periodDelta.get(pk) ?? { account: input.accountId, period: month, microCredits: 0, tokens: 0, requests: 0 };
    pd.microCredits += c.gross;
    pd.tokens += c.tokens;
    pd.requests += 1;
    periodDelta.set(pk, pd);
    if (input.budgets.length > 0) {
      const upTo = new Map<string, number>();
      for (const w of input.budgets) {
        const s = spendDelta.get(windowKey(w)) ?? { window: w, amount: 0 };
        if (c.charged > 0) s.amount += c.charged;
        spendDelta.set(windowKey(w), s);
        upTo.set(windowKey(w), s.amount);
      }
      spendMarks.push({ index, windows: input.budgets, upTo });
    }
    return row.id as string;
  };

  for (const [index, op] of ops.entries()) {
    const now = op.input.now ?? Date.now();
    const payer = payers.get(op.input.accountId);

    if (op.kind === 'reserve') {
      const input = op.input;
      const period = input.readsPeriodUsage ? periodNow(input.accountId, monthKey(now)) : undefined;
      const amount = input.amountFor(period);
      const available = payer ? payer.balance + payer.creditLimit : 0;
      // Nothing to hold (a free allowance covers it): the settlement still runs under the lock.
      if (amount === 0) results.push({ ok: true, holdId: null, amount });
      // Past what any balance can be (2^53 micro-credits; say max_tokens: 1e300) is never covered.
      else if (!payer || amount > Number.MAX_SAFE_INTEGER || amount > available) results.push({ ok: false, amount, available });
      else {
        payer.balance -= amount;
        payer.delta -= amount;
        const holdId = newId('hold');
        holdRows.push({ id: holdId, account_id: input.accountId, amount, request_id: input.requestId, attempt: input.attempt, status: 'open', created_at: now, expires_at: now + input.ttlMs });
        post({ kind: 'reserve', accountId: input.accountId, requestId: input.requestId, holdId, at: now }, [
          { account: input.accountId, amount: -amount },
          { account: SYSTEM.holds, amount },
        ]);
        results.push({ ok: true, holdId, amount });
      }
      continue;
    }

    if (op.kind === 'lease-take') {
      const input = op.input;
      const available = payer ? payer.balance + payer.creditLimit : 0;
      if (!payer || input.need > Number.MAX_SAFE_INTEGER || input.need > available) {
        results.push({ ok: false, available });
        continue;
      }
      // As much of what was asked as there is: at least what the request waiting for it needs.
      const add = Math.max(0, Math.min(input.want, available));
      let leaseId = input.leaseId && leases.has(input.leaseId) ? input.leaseId : null;
      if (add > 0) {
        payer.balance -= add;
        payer.delta -= add;
        if (leaseId) {
          const lease = leases.get(leaseId)!;
          lease.delta += add;
          lease.expiresAt = now + input.ttlMs;
        } else {
          leaseId = newId('lease');
          holdRows.push({ id: leaseId, account_id: input.accountId, amount: add, request_id: `lease:${input.owner}`, attempt: 0, status: 'open', created_at: now, expires_at: now + input.ttlMs });
        }
        post({ kind: 'reserve', accountId: input.accountId, holdId: leaseId, memo: 'lease', at: now }, [
          { account: input.accountId, amount: -add },
          { account: SYSTEM.holds, amount: add },
        ]);
      }
      results.push({ ok: true, leaseId, added: add });
      continue;
    }

    if (op.kind === 'lease-return') {
      const input = op.input;
      const lease = leases.get(input.leaseId);
      if (!lease || !payer) {
        results.push(undefined);
        continue;
      }
      // Gives back whatever the row still holds, whatever this instance thought it held.
      const amount = lease.amount + lease.delta;
      lease.delta -= amount;
      lease.closedAt = now;
      payer.balance += amount;
      payer.delta += amount;
      post({ kind: 'release', accountId: input.accountId, holdId: input.leaseId, memo: 'lease', at: now }, [
        { account: SYSTEM.holds, amount: -amount },
        { account: input.accountId, amount },
      ]);
      results.push(undefined);
      continue;
    }

    if (op.kind === 'lease-charge') {
      const input = op.input;
      if (recorded.has(input.settlementId)) {
        results.push({ collected: input.collected, duplicate: true });
        continue;
      }
      if (input.status === 'released') {
        settlementRows.push(settlementRow(Object.assign({}, input, { holdId: input.leaseId }), { status: 'released', charged: 0, collected: 0, now, id: input.settlementId }));
        results.push({ collected: 0, duplicate: false });
        continue;
      }
      const lease = input.leaseId ? leases.get(input.leaseId) : undefined;
      let collected = input.collected;
      if (lease) {
        lease.delta -= collected;
        post({ kind: 'settle', accountId: input.accountId, requestId: input.requestId, holdId: input.leaseId!, at: now }, [
          { account: SYSTEM.holds, amount: -collected },
          { account: SYSTEM.revenue, amount: collected },
        ]);
      } else {
        // The lease was given back (expired) before this charge reached the database: the
        // credit is in the balance again, and is taken from there down to the credit line.
        collected = Math.min(collected, payer ? Math.max(0, payer.balance + payer.creditLimit) : 0);
        if (payer) {
          payer.balance -= collected;
          payer.delta -= collected;
        }
        post({ kind: 'settle', accountId: input.accountId, requestId: input.requestId, holdId: input.leaseId ?? undefined, at: now }, [
          { account: input.accountId, amount: -collected },
          { account: SYSTEM.revenue, amount: collected },
        ]);
      }
      account(index, Object.assign({}, input, { holdId: input.leaseId }), { charged: input.charged, gross: input.gross, tokens: input.tokens, collected, now, id: input.settlementId });
      results.push({ collected, duplicate: false });
      continue;
    }

    const held = op.input.holdId && openHolds.delete(op.input.holdId) ? op.input.reserved : 0;

    if (op.kind === 'release') {
      const input = op.input;
      if (held > 0 && payer) {
        payer.balance += held;
        payer.delta += held;
        post({ kind: 'release', accountId: input.accountId, requestId: input.requestId, holdId: input.holdId!, at: now }, [
          { account: SYSTEM.holds, amount: -held },
          { account: input.accountId, amount: held },
        ]);
      }
      settlementRows.push(settlementRow(input, { status: 'released', charged: 0, collected: 0, now }));
      results.push(undefined);
      continue;
    }

    const input = op.input;
    const period = input.readsPeriodUsage ? periodNow(input.accountId, monthKey(now)) : undefined;
    const { charged, gross, tokens } = input.chargeFor(period);
    const fromHold = Math.min(charged, held);
    // A charge above the hold is taken from the balance only down to the credit line.
    const extra = Math.min(charged - fromHold, payer ? Math.max(0, payer.balance + payer.creditLimit) : 0);
    const collected = fromHold + extra;
    const balanceChange = held - fromHold - extra;
    if (payer) {
      payer.balance += balanceChange;
      payer.delta += balanceChange;
    }
    post({ kind: 'settle', accountId: input.accountId, requestId: input.requestId, holdId: input.holdId ?? undefined, at: now }, [
      { account: SYSTEM.holds, amount: -held },
      { account: input.accountId, amount: balanceChange },
      { account: SYSTEM.revenue, amount: collected },
    ]);
    const settlementId = account(index, input, { charged, gross, tokens, collected, now });
    results.push({ settlementId, charged, collected, heldAtSettle: held > 0 || !input.holdId, spendAfter: new Map() });
  }

  // The writes do not depend on each other (but for lines on their entries, which follow them).
  const writes = new WriteBatch()
    .insert('billing_holds', holdRows)
    .insert('billing_journal', journal.map((j) => j.entry))
    .insert('billing_journal_lines', journal.flatMap((j) => j.lines))
    .insert('billing_settlements', settlementRows);
  for (const [id, l] of leases) if (l.delta !== 0 || l.expiresAt || l.closedAt) addLeaseUpdate(writes, id, l);
  for (const [id, p] of payers) {
    if (p.delta !== 0) writes.add('update "billing_accounts" set "balance" = "balance" + ?, "updated_at" = ? where "id" = ?', [p.delta, at, id]);
  }
  for (const [account, amount] of collectedBy) {
    for (const take of grantTakes(grants.get(account) ?? [], amount)) writes.add('update "billing_grants" set "remaining" = "remaining" - ? where "id" = ?', [take.amount, take.id]);
  }
  for (const d of periodDelta.values()) addPeriodUsage(writes, d.account, d.period, d);
  await writes.run(trx);
  await fillSpendAfter(trx, results, spendDelta, spendMarks);
  return results;
}

/** Closes (settled or released) the batch's holds that are still open, and says which those were. */
async function closeOpenHolds(trx: Db, ops: LedgerOp[]): Promise<Set<string>> {
  const closing = new Map<string, { status: 'settled' | 'released'; at: number }>();
  for (const op of ops) {
    if ((op.kind === 'settle' || op.kind === 'release') && op.input.holdId && !closing.has(op.input.holdId)) {
      closing.set(op.input.holdId, { status: op.kind === 'settle' ? 'settled' : 'released', at: op.input.now ?? Date.now() });
    }
  }
  if (closing.size === 0) return new Set();
  // One UPDATE per outcome and time (in practice one or two); each says which holds it closed.
  const groups = new Map<string, { status: string; at: number; ids: string[] }>();
  for (const [id, c] of closing) {
    const g = groups.get(`${c.status}@${c.at}`) ?? { status: c.status, at: c.at, ids: [] };
    g.ids.push(id);
    groups.set(`${c.status}@${c.at}`, g);
  }
  // All sent before the batch's other reads (see applyLedgerBatch): hold rows are locked before payer rows.
  const closed: Array<Array<{ id: string }>> = await Promise.all(
    [...groups.values()].map((g) => trx('billing_holds').whereIn('id', g.ids.sort()).andWhere({ status: 'open' }).update({ status: g.status, closed_at: g.at }, ['id'])),
  );
  return new Set(closed.flat().map((r) => r.id));
}

type Accounts = [Map<string, LeaseRow>, Map<string, Payer>, Map<string, GrantLeft[]>];

/**
 * The batch's open leases and payers (read under their row locks on PostgreSQL, leases first, in id
 * order) and the grants its charges may use up. On SQLite, which has one writer and no row locks,
 * one statement reads all three: each statement costs the main thread two trips to node-sqlite3's
 * worker thread (see db/write-batch.ts).
 */
async function readAccounts(trx: Db, ops: LedgerOp[], now: number): Promise<Accounts> {
  const ids = { leases: leaseIds(ops), payers: [...new Set(ops.map((op) => op.input.accountId))].sort(), grantPayers: grantPayerIds(ops) };
  if (isPostgres(trx)) {
    return Promise.all([
      ids.leases.length === 0 ? [] : trx('billing_holds').whereIn('id', ids.leases).andWhere({ status: 'open' }).orderBy('id').forUpdate().select('id', 'amount'),
      trx('billing_accounts').whereIn('id', ids.payers).orderBy('id').forUpdate().select('id', 'balance', 'credit_limit'),
      ids.grantPayers.length === 0 ? [] : grantsQuery(trx, ids.grantPayers, now).select('id', 'account_id', 'remaining', 'expires_at'),
    ]).then(([leaseRows, payerRows, grantRows]) => [toLeases(leaseRows), toPayers(payerRows), toGrants(grantRows)]);
  }
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');
  const parts = [`select 'payer' as kind, id, balance as a, credit_limit as b, null as c from billing_accounts where id in (${marks(ids.payers.length)})`];
  const bindings: Array<string | number> = [...ids.payers];
  if (ids.leases.length > 0) {
    parts.push(`select 'lease', id, amount, null, null from billing_holds where id in (${marks(ids.leases.length)}) and status = 'open'`);
    bindings.push(...ids.leases);
  }
  if (ids.grantPayers.length > 0) {
    parts.push(`select 'grant', id, remaining, account_id, expires_at from billing_grants where account_id in (${marks(ids.grantPayers.length)}) and remaining > 0 and expires_at is not null and expires_at > ?`);
    bindings.push(...ids.grantPayers, now);
  }
  const rows: Array<{ kind: string; id: string; a: number; b: number | string | null; c: number | null }> = await trx.raw(parts.join(' union all '), bindings);
  return [
    toLeases(rows.filter((r) => r.kind === 'lease').map((r) => ({ id: r.id, amount: r.a }))),
    toPayers(rows.filter((r) => r.kind === 'payer').map((r) => ({ id: r.id, balance: r.a, credit_limit: r.b as number }))),
    toGrants(rows.filter((r) => r.kind === 'grant').map((r) => ({ id: r.id, remaining: r.a, account_id: r.b as string, expires_at: r.c as number }))),
  ];
}

/** The leases the batch's lease operations name, sorted. */
function leaseIds(ops: LedgerOp[]): string[] {
  const ids = new Set<string>();
  for (const op of ops) {
    if ((op.kind === 'lease-take' || op.kind === 'lease-charge') && op.input.leaseId) ids.add(op.input.leaseId);
    if (op.kind === 'lease-return') ids.add(op.input.leaseId);
  }
  return [...ids].sort();
}

/** The payers whose charges may use up grants. */
function grantPayerIds(ops: LedgerOp[]): string[] {
  return [...new Set(ops.flatMap((op) => (op.kind === 'settle' || op.kind === 'lease-charge' ? [op.input.accountId] : [])))];
}

function grantsQuery(trx: Db, accountIds: string[], now: number) {
  return trx('billing_grants').whereIn('account_id', accountIds).andWhere('remaining', '>', 0).whereNotNull('expires_at').andWhere('expires_at', '>', now);
}

function toLeases(rows: Array<{ id: string; amount: number | string }>): Map<string, LeaseRow> {
  return new Map(rows.map((r) => [r.id, { amount: Number(r.amount), delta: 0 }]));
}

function toPayers(rows: Array<{ id: string; balance: number | string; credit_limit: number | string }>): Map<string, Payer> {
  return new Map(rows.map((r) => [r.id, { balance: Number(r.balance), creditLimit: Number(r.credit_limit), delta: 0 }]));
}

/** Each payer's grants in the order they are used up (see grantTakes): soonest expiry first, then by id. */
function toGrants(rows: Array<{ id: string; account_id: string; remaining: number | string; expires_at: number | string }>): Map<string, GrantLeft[]> {
  const sorted = rows.map((r) => ({ ...r, expiresAt: Number(r.expires_at) })).sort((x, y) => x.expiresAt - y.expiresAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const byAccount = new Map<string, GrantLeft[]>();
  for (const r of sorted) {
    const list = byAccount.get(r.account_id) ?? [];
    list.push({ id: r.id, remaining: Number(r.remaining) });
    byAccount.set(r.account_id, list);
  }
  return byAccount;
}

function addLeaseUpdate(writes: WriteBatch, id: string, l: LeaseRow): void {
  const sets = ['"amount" = "amount" + ?'];
  const values: Array<string | number> = [l.delta];
  if (l.expiresAt) {
    sets.push('"expires_at" = ?');
    values.push(l.expiresAt);
  }
  if (l.closedAt) {
    sets.push('"status" = ?', '"closed_at" = ?');
    values.push('released', l.closedAt);
  }
  writes.add(`update "billing_holds" set ${sets.join(', ')} where "id" = ?`, [...values, id]);
}

/** Charges replayed from a journal (after a crash) that the database already has: applied once only. */
async function recordedSettlements(trx: Db, ops: LedgerOp[]): Promise<Set<string>> {
  const ids = ops.flatMap((op) => (op.kind === 'lease-charge' && op.input.replayed ? [op.input.settlementId] : []));
  if (ids.length === 0) return new Set();
  const rows: Array<{ id: string }> = await trx('billing_settlements').whereIn('id', ids).select('id');
  return new Set(rows.map((r) => r.id));
}

/** The month so far of the payers whose rule reads it (under the payers' locks, taken before). */
async function readPeriods(trx: Db, ops: LedgerOp[]): Promise<Map<string, PeriodUsage>> {
  const wanted = ops.filter((op): op is Extract<LedgerOp, { kind: 'reserve' | 'settle' }> => (op.kind === 'reserve' || op.kind === 'settle') && op.input.readsPeriodUsage);
  if (wanted.length === 0) return new Map();
  const accounts = [...new Set(wanted.map((op) => op.input.accountId))];
  const months = [...new Set(wanted.map((op) => monthKey(op.input.now ?? Date.now())))];
  return readPeriodUsages(trx, accounts, months);
}

/**
 * Adds the batch's charges to each budget window (atomic increments), then gives each settlement
 * its windows' spend right after its own charge: the total now, less what later ones in the batch added.
 */
async function fillSpendAfter(trx: Db, results: LedgerOpResult[], spendDelta: Map<string, { window: SpendWindow; amount: number }>, marks: Array<{ index: number; windows: SpendWindow[]; upTo: Map<string, number> }>): Promise<void> {
  if (marks.length === 0) return;
  for (const { window: w, amount } of spendDelta.values()) await addSpend(trx, [w], amount);
  const totals = await readSpend(trx, [...spendDelta.values()].map((s) => s.window));
  for (const mark of marks) {
    const spendAfter = new Map<string, number>();
    for (const w of mark.windows) {
      const k = windowKey(w);
      spendAfter.set(k, (totals.get(k) ?? 0) - (spendDelta.get(k)!.amount - mark.upTo.get(k)!));
    }
    (results[mark.index] as SettleResult).spendAfter = spendAfter;
  }
}

function settlementRow(
  input: { requestId: string; attempt: number; holdId: string | null; accountId: string; reserved: number; details: SettlementDetails },
  outcome: { status: 'settled' | 'released'; charged: number; collected: number; now: number; id?: string },
): Record<string, SqlValue> {
  const d = input.details;
  return {
    id: outcome.id ?? newId('stl'),
    request_id: input.requestId,
    attempt: input.attempt,
    hold_id: input.holdId,
    account_id: input.accountId,
    endpoint: d.endpoint,
    provider_id: d.providerId,
    model_id: d.modelId,
    upstream_model: d.upstreamModel,
    prompt_tokens: d.promptTokens,
    completion_tokens: d.completionTokens,
    cached_tokens: d.cachedTokens,
    cache_write_tokens: d.cacheWriteTokens,
    images: d.images,
    counted_locally: d.countedLocally,
    reserved: input.reserved,
    charged: outcome.charged,
    collected: outcome.collected,
    cost_usd: d.costUsd,
    status: outcome.status,
    created_at: outcome.now,
  };
}

/** Where the request path's ledger work goes: group-committed batches (see db/group-commit.ts). */
export type LedgerWriter = GroupCommit<LedgerOp, LedgerOpResult>;

export function createLedgerWriter(db: Db, options: GroupCommitOptions = {}): LedgerWriter {
  return new GroupCommit(db, applyLedgerBatch, options);
}
