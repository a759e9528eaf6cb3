import type { Db } from '../../db/connect';
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

/**
 * Writes one journal entry inside the caller's transaction. Double entry: the lines must sum to
 * zero, or nothing is written (a bug here must never reach the books). Zero lines are left out;
 * an entry whose lines are all zero is not written at all.
 */
export async function postEntry(trx: Db, meta: EntryMeta, lines: Array<{ account: string; amount: number }>): Promise<string | undefined> {
  const kept = lines.filter((l) => l.amount !== 0);
  let sum = 0;
  for (const l of kept) {
    if (!Number.isSafeInteger(l.amount)) throw new Error(`journal amount is not an integer: ${l.amount}`);
    sum += l.amount;
  }
  if (sum !== 0) throw new Error(`journal entry '${meta.kind}' does not balance (sum ${sum})`);
  if (kept.length === 0) return undefined;
  const id = newId('je');
  await trx('billing_journal').insert({
    id,
    kind: meta.kind,
    account_id: meta.accountId,
    request_id: meta.requestId ?? null,
    hold_id: meta.holdId ?? null,
    memo: meta.memo ?? null,
    created_by: meta.createdBy ?? null,
    created_at: meta.at ?? Date.now(),
  });
  await trx('billing_journal_lines').insert(kept.map((l) => ({ entry_id: id, account_id: l.account, amount: l.amount })));
  return id;
}
