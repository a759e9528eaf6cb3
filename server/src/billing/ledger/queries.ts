import type { Db } from '../../db/connect';

export interface AccountView {
  id: string;
  kind: string;
  ownerId: string;
  /** Spendable now (credit held for requests in flight is already taken out). */
  balance: number;
  creditLimit: number;
  /** Held for requests in flight. */
  held: number;
  createdAt: number;
  updatedAt: number;
}

const toView = (r: Record<string, unknown>, held: number): AccountView => ({
  id: String(r.id),
  kind: String(r.kind),
  ownerId: String(r.owner_id),
  balance: Number(r.balance),
  creditLimit: Number(r.credit_limit),
  held,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

async function heldBy(db: Db, ids: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  const rows = await db('billing_holds').where({ status: 'open' }).whereIn('account_id', ids).groupBy('account_id').select('account_id').sum({ held: 'amount' });
  for (const r of rows as Array<{ account_id: string; held: number | string }>) out.set(r.account_id, Number(r.held));
  return out;
}

export async function getAccount(db: Db, id: string): Promise<AccountView | undefined> {
  const row = await db('billing_accounts').where({ id }).first();
  if (!row) return undefined;
  return toView(row, (await heldBy(db, [id])).get(id) ?? 0);
}

export async function listAccounts(db: Db, opts: { kind?: string; limit?: number; after?: string } = {}): Promise<AccountView[]> {
  const q = db('billing_accounts').orderBy('id').limit(Math.min(opts.limit ?? 100, 1000));
  if (opts.kind) q.where({ kind: opts.kind });
  if (opts.after) q.where('id', '>', opts.after);
  const rows = await q;
  const held = await heldBy(db, rows.map((r: { id: string }) => r.id));
  return rows.map((r: Record<string, unknown>) => toView(r, held.get(String(r.id)) ?? 0));
}

/** One attempt's settled charge: what the ledger collected for it, and when. */
export interface SettledCharge {
  requestId: string;
  attempt: number;
  collected: number;
  settledAt: number;
}

/** The settled charges of these requests (released attempts charged nothing and are left out). */
export async function settledCharges(db: Db, requestIds: string[]): Promise<SettledCharge[]> {
  const out: SettledCharge[] = [];
  for (let i = 0; i < requestIds.length; i += 500) {
    const rows = await db('billing_settlements').whereIn('request_id', requestIds.slice(i, i + 500)).andWhere({ status: 'settled' }).select('request_id', 'attempt', 'collected', 'created_at');
    for (const r of rows as Array<Record<string, unknown>>) {
      out.push({ requestId: String(r.request_id), attempt: Number(r.attempt), collected: Number(r.collected), settledAt: Number(r.created_at) });
    }
  }
  return out;
}

export interface JournalEntryView {
  id: string;
  kind: string;
  accountId: string | null;
  requestId: string | null;
  holdId: string | null;
  memo: string | null;
  createdBy: string | null;
  createdAt: number;
  lines: Array<{ account: string; amount: number }>;
}

/** Journal entries, newest first, with their lines; optionally those touching one account or request. */
export async function listEntries(db: Db, opts: { accountId?: string; requestId?: string; limit?: number; before?: number } = {}): Promise<JournalEntryView[]> {
  const q = db('billing_journal').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(Math.min(opts.limit ?? 100, 1000));
  if (opts.accountId) q.whereIn('id', db('billing_journal_lines').where({ account_id: opts.accountId }).select('entry_id'));
  if (opts.requestId) q.where({ request_id: opts.requestId });
  if (opts.before !== undefined) q.where('created_at', '<', opts.before);
  const entries = await q;
  if (entries.length === 0) return [];
  const lines: Array<{ entry_id: string; account_id: string; amount: number | string }> = await db('billing_journal_lines')
    .whereIn('entry_id', entries.map((e: { id: string }) => e.id))
    .orderBy('id');
  const byEntry = new Map<string, Array<{ account: string; amount: number }>>();
  for (const l of lines) {
    if (!byEntry.has(l.entry_id)) byEntry.set(l.entry_id, []);
    byEntry.get(l.entry_id)!.push({ account: l.account_id, amount: Number(l.amount) });
  }
  return entries.map((e: Record<string, unknown>) => ({
    id: String(e.id),
    kind: String(e.kind),
    accountId: (e.account_id as string) ?? null,
    requestId: (e.request_id as string) ?? null,
    holdId: (e.hold_id as string) ?? null,
    memo: (e.memo as string) ?? null,
    createdBy: (e.created_by as string) ?? null,
    createdAt: Number(e.created_at),
    lines: byEntry.get(String(e.id)) ?? [],
  }));
}

/** Every account's balance as the sum of its journal lines (system accounts have no other). */
export async function lineBalances(db: Db): Promise<Map<string, number>> {
  const rows: Array<{ account_id: string; total: number | string }> = await db('billing_journal_lines').groupBy('account_id').select('account_id').sum({ total: 'amount' });
  return new Map(rows.map((r) => [r.account_id, Number(r.total)]));
}

export interface AuditReport {
  /** Entries whose lines do not sum to zero (must be empty). */
  unbalancedEntries: string[];
  /** Payer accounts whose stored balance differs from the sum of their lines (must be empty). */
  mismatchedAccounts: Array<{ id: string; stored: number; fromLines: number }>;
  /** The holds account against the open holds (must be equal). */
  holds: { fromLines: number; open: number };
  /** Everything ever posted sums to this (must be 0). */
  total: number;
}

/** Checks the books: double entry holds, balances match their lines, the holds account matches open holds. */
export async function audit(db: Db): Promise<AuditReport> {
  const unbalanced: Array<{ entry_id: string }> = await db('billing_journal_lines').groupBy('entry_id').havingRaw('sum(amount) <> 0').select('entry_id');
  const lines = await lineBalances(db);
  const accounts: Array<{ id: string; balance: number | string }> = await db('billing_accounts').select('id', 'balance');
  const mismatched = accounts.map((a) => ({ id: a.id, stored: Number(a.balance), fromLines: lines.get(a.id) ?? 0 })).filter((a) => a.stored !== a.fromLines);
  const open = await db('billing_holds').where({ status: 'open' }).sum({ total: 'amount' }).first();
  let total = 0;
  for (const v of lines.values()) total += v;
  return {
    unbalancedEntries: unbalanced.map((u) => u.entry_id),
    mismatchedAccounts: mismatched,
    holds: { fromLines: lines.get('system:holds') ?? 0, open: Number(open?.total ?? 0) },
    total,
  };
}
