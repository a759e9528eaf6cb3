import type { Db } from '../../db/connect';
import type { SqlValue } from '../../db/sql-insert';
import { newId } from '../../repos/ids';

export type EntryKind = 'reserve' | 'settle' | 'release' | 'expire' | 'grant' | 'topup' | 'adjust' | 'grant_expiry';

export interface EntryMeta {
  kind: EntryKind;
  /** The payer account the entry concerns (for listing a payer's history). */
  accountId: string;
  requestId?: string;
  holdId?: string;
  memo?: string;
  createdBy?: string;
  at?: number;
}

export interface EntryRows {
  entry: Record<string, SqlValue>;
  lines: Array<{ entry_id: string; account_id: string; amount: number }>;
}

/**
 * The rows of one journal entry, checked. Double entry: the lines must sum to zero, or this
 * throws (a bug here must never reach the books). Zero lines are left out; an entry whose lines
 * are all zero is no entry at all (undefined).
 */
export function entryRows(meta: EntryMeta, lines: Array<{ account: string; amount: number }>): EntryRows | undefined {
  const kept = lines.filter((l) => l.amount !== 0);
  let sum = 0;
  for (const l of kept) {
    if (!Number.isSafeInteger(l.amount)) throw new Error(`journal amount is not an integer: ${l.amount}`);
    sum += l.amount;
  }
  if (sum !== 0) throw new Error(`journal entry '${meta.kind}' does not balance (sum ${sum})`);
  if (kept.length === 0) return undefined;
  const id = newId('je');
  return {
    entry: {
      id,
      kind: meta.kind,
      account_id: meta.accountId,
      request_id: meta.requestId ?? null,
      hold_id: meta.holdId ?? null,
      memo: meta.memo ?? null,
      created_by: meta.createdBy ?? null,
      created_at: meta.at ?? Date.now(),
    },
    lines: kept.map((l) => ({ entry_id: id, account_id: l.account, amount: l.amount })),
  };
}

/** Writes one journal entry (see entryRows) inside the caller's transaction. */
export async function postEntry(trx: Db, meta: EntryMeta, lines: Array<{ account: string; amount: number }>): Promise<string | undefined> {
  const rows = entryRows(meta, lines);
  if (!rows) return undefined;
  await trx('billing_journal').insert(rows.entry);
  await trx('billing_journal_lines').insert(rows.lines);
  return rows.entry.id as string;
}
