import { isPostgres, type Db } from '../../db/connect';
import { newId } from '../../repos/ids';
import { ensureAccount, SYSTEM } from './accounts';
import { postEntry } from './journal';

export type CreditKind = 'grant' | 'signup' | 'topup';

export interface CreditInput {
  accountId: string;
  amount: number;
  kind: CreditKind;
  /** Grants may expire; what is left of them then is removed. */
  expiresAt?: number | null;
  /** A payment's id: the same id credits the account once, however often it is delivered. */
  externalId?: string;
  memo?: string;
  createdBy?: string;
}

export interface CreditResult {
  grantId: string;
  /** False when this externalId was credited before (nothing was added now). */
  added: boolean;
}

/**
 * Adds credit to a payer: a grant (free, from system:grants, may expire) or a top-up (paid, from
 * system:payments). Creates the account if needed.
 */
export async function addCredit(db: Db, input: CreditInput): Promise<CreditResult> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new Error('credit amount must be a positive integer');
  await ensureAccount(db, input.accountId);
  return db.transaction(async (trx) => {
    const now = Date.now();
    const grantId = newId('grant');
    await trx('billing_grants')
      .insert({
        id: grantId,
        account_id: input.accountId,
        kind: input.kind,
        amount: input.amount,
        remaining: input.amount,
        expires_at: input.expiresAt ?? null,
        external_id: input.externalId ?? null,
        memo: input.memo ?? null,
        created_at: now,
      })
      .onConflict('external_id')
      .ignore();
    if (!(await trx('billing_grants').where({ id: grantId }).first())) {
      const earlier = await trx('billing_grants').where({ external_id: input.externalId }).first();
      return { grantId: earlier.id as string, added: false };
    }
    await trx('billing_accounts').where({ id: input.accountId }).update({ balance: trx.raw('balance + ?', [input.amount]), updated_at: now });
    await postEntry(trx, { kind: input.kind === 'topup' ? 'topup' : 'grant', accountId: input.accountId, memo: input.memo, createdBy: input.createdBy, at: now }, [
      { account: input.kind === 'topup' ? SYSTEM.payments : SYSTEM.grants, amount: -input.amount },
      { account: input.accountId, amount: input.amount },
    ]);
    return { grantId, added: true };
  });
}

/**
 * A manual correction, positive or negative. A negative one never takes the balance below the
 * account's credit line: it fails instead (returns false).
 */
export async function adjust(db: Db, accountId: string, amount: number, memo: string, createdBy?: string): Promise<boolean> {
  if (!Number.isSafeInteger(amount) || amount === 0) throw new Error('adjustment must be a non-zero integer');
  await ensureAccount(db, accountId);
  return db.transaction(async (trx) => {
    const now = Date.now();
    const q = trx('billing_accounts').where({ id: accountId });
    if (amount < 0) q.andWhereRaw('balance + ? >= -credit_limit', [amount]);
    if ((await q.update({ balance: trx.raw('balance + ?', [amount]), updated_at: now })) === 0) return false;
    await postEntry(trx, { kind: 'adjust', accountId, memo, createdBy, at: now }, [
      { account: SYSTEM.adjustments, amount: -amount },
      { account: accountId, amount },
    ]);
    return true;
  });
}

/** A grant's credit not yet used (see grantTakes). */
export interface GrantLeft {
  id: string;
  remaining: number;
}

/**
 * What `spent` takes from each of the payer's expiring grants, in the order given (soonest expiry
 * first), so that what expires is only what was never used. Taking a batch's total at once takes
 * the same as taking each charge in turn.
 */
export function grantTakes(grants: GrantLeft[], spent: number): Array<{ id: string; amount: number }> {
  const takes: Array<{ id: string; amount: number }> = [];
  let left = spent;
  for (const g of grants) {
    if (left <= 0) break;
    const amount = Math.min(left, g.remaining);
    takes.push({ id: g.id, amount });
    left -= amount;
  }
  return takes;
}

/**
 * Removes what is left of expired grants. Each grant is its own small transaction; the payer row
 * is locked so the amount taken never exceeds the balance (credit held for requests in flight
 * stays with them).
 */
export async function expireGrants(db: Db, now: number, limit = 500): Promise<number> {
  const due: Array<{ id: string }> = await db('billing_grants').where('remaining', '>', 0).whereNotNull('expires_at').andWhere('expires_at', '<=', now).limit(limit).select('id');
  let expired = 0;
  for (const { id } of due) {
    const done = await db.transaction(async (trx) => {
      const grant = await trx('billing_grants').where({ id }).andWhere('remaining', '>', 0).first();
      if (!grant) return false;
      const accountQuery = trx('billing_accounts').where({ id: grant.account_id });
      const account = await (isPostgres(db) ? accountQuery.forUpdate() : accountQuery).first();
      const take = Math.max(0, Math.min(Number(grant.remaining), Number(account?.balance ?? 0)));
      await trx('billing_grants').where({ id }).update({ remaining: 0 });
      if (take === 0) return true;
      await trx('billing_accounts').where({ id: grant.account_id }).update({ balance: trx.raw('balance - ?', [take]), updated_at: now });
      await postEntry(trx, { kind: 'grant_expiry', accountId: grant.account_id, memo: `grant ${id} expired`, at: now }, [
        { account: grant.account_id, amount: -take },
        { account: SYSTEM.expiry, amount: take },
      ]);
      return true;
    });
    if (done) expired++;
  }
  return expired;
}
