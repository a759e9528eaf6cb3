import type { Db } from '../../db/connect';
import { returnHold } from './holds';

/**
 * Returns holds that outlived their time to live: what a crashed or killed instance left behind.
 * Each hold is its own transaction and is guarded by its status, so several instances may run
 * this at once. A request that outlives its hold is still settled: from the balance, as far as it goes.
 */
export async function releaseExpiredHolds(db: Db, now: number, limit = 500): Promise<number> {
  const due: Array<{ id: string; account_id: string; request_id: string }> = await db('billing_holds')
    .where({ status: 'open' })
    .andWhere('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .select('id', 'account_id', 'request_id');
  let released = 0;
  for (const h of due) {
    const done = await db.transaction((trx) => returnHold(trx, { id: h.id, accountId: h.account_id, requestId: h.request_id }, 'expired', now));
    if (done) released++;
  }
  return released;
}
