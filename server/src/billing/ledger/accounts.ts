import type { Principal } from '@switchyard/spec';
import type { Db } from '../../db/connect';

export type PayerKind = 'user' | 'project';

/**
 * System accounts carry no stored balance: their balance is the sum of their journal lines, so
 * the request path never queues on one shared row. Payer accounts carry a balance (kept equal to
 * the sum of their lines) because the check-and-hold must be one atomic conditional UPDATE.
 */
export const SYSTEM = {
  /** What payers were charged. */
  revenue: 'system:revenue',
  /** Credit reserved for requests in flight. */
  holds: 'system:holds',
  /** The source of granted (free) credit. */
  grants: 'system:grants',
  /** The source of paid credit (admin top-ups, payment providers). */
  payments: 'system:payments',
  /** Where expired grants go. */
  expiry: 'system:expiry',
  /** The counterpart of manual corrections. */
  adjustments: 'system:adjustments',
} as const;

export function payerAccountId(kind: PayerKind, ownerId: string): string {
  return `${kind}:${ownerId}`;
}

/** `user:<id>` / `project:<id>` -> its parts; undefined for anything else. */
export function parseAccountId(id: string): { kind: PayerKind; ownerId: string } | undefined {
  const m = /^(user|project):(.+)$/.exec(id);
  return m ? { kind: m[1] as PayerKind, ownerId: m[2] } : undefined;
}

/**
 * Who pays for a request: the principal's project if it has one, else its user. The admin key
 * and principals with neither (service keys without an owner) are never charged.
 */
export function payerOf(principal: Principal | undefined): string | undefined {
  if (!principal || principal.method === 'admin-key') return undefined;
  if (principal.projectId) return payerAccountId('project', principal.projectId);
  if (principal.userId) return payerAccountId('user', principal.userId);
  return undefined;
}

/** Creates a payer account with a zero balance unless it exists. */
export async function ensureAccount(db: Db, id: string): Promise<void> {
  const parsed = parseAccountId(id);
  if (!parsed) throw new Error(`not a payer account id: ${id}`);
  const now = Date.now();
  await db('billing_accounts')
    .insert({ id, kind: parsed.kind, owner_id: parsed.ownerId, balance: 0, credit_limit: 0, created_at: now, updated_at: now })
    .onConflict('id')
    .ignore();
}
