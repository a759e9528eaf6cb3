import type { Logger } from '@switchyard/spec';
import { settledCharges, type SettledCharge } from '../billing/ledger/queries';
import type { Db } from '../db/connect';
import { recoverJournals as recoverLocalJournals } from '../journal/journal-recovery';
import { isChargeNotice, usageFromCharges, type ChargeNotice, type UsageJournalRecord } from './charge-notice';
import type { UsageEvent } from './usage-event';
import type { BatchWriter } from './usage-recorder';


const BATCH = 500;

/** The usage rows the database has for these requests: request id and time. */
async function storedRows(db: Db, requestIds: string[]): Promise<Array<{ requestId: string; ts: number }>> {
  const ids = [...new Set(requestIds)];
  const out: Array<{ requestId: string; ts: number }> = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db('usage_events').whereIn('request_id', ids.slice(i, i + BATCH)).select('request_id', 'ts');
    for (const r of rows as Array<{ request_id: string; ts: number | string }>) out.push({ requestId: r.request_id, ts: Number(r.ts) });
  }
  return out;
}

/** Events the database does not have yet (by request id and time: a stored batch may be in the journal too). */
async function notStored(db: Db, events: UsageEvent[]): Promise<UsageEvent[]> {
  const stored = new Set((await storedRows(db, events.map((e) => e.requestId))).map((r) => `${r.requestId}\u0001${r.ts}`));
  return events.filter((e) => !stored.has(`${e.requestId}\u0001${e.ts}`));
}

function groupInto<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}

/**
 * The usage rows of charges whose request never got its event (see charge-notice.ts): notices
 * whose request has no event in the journal or the database, and a settled charge in the ledger.
 */
async function unexplainedCharges(db: Db, notices: ChargeNotice[], events: UsageEvent[]): Promise<UsageEvent[]> {
  const journaled = new Set(events.map((e) => e.requestId));
  const byRequest = new Map<string, ChargeNotice[]>();
  for (const n of notices) if (!journaled.has(n.requestId)) groupInto(byRequest, n.requestId, n);
  if (byRequest.size === 0) return [];
  for (const row of await storedRows(db, [...byRequest.keys()])) byRequest.delete(row.requestId);
  const settled = new Map<string, SettledCharge[]>();
  for (const s of await settledCharges(db, [...byRequest.keys()])) groupInto(settled, s.requestId, s);
  const out: UsageEvent[] = [];
  for (const [id, ns] of byRequest) {
    const event = usageFromCharges(ns, settled.get(id) ?? []);
    if (event) out.push(event);
  }
  return out;
}

/**
 * Stores the usage events that gateways killed on this machine left in their journals, under this
 * instance's rollups, and a usage row for each charge they committed but never explained.
 */
export function recoverJournals(options: { baseDir: string; instanceId: string; db: Db; writer: BatchWriter; logger: Logger }): Promise<number> {
  const { db, writer } = options;
  return recoverLocalJournals<UsageJournalRecord>({
    ...options,
    noun: 'events',
    label: 'usage journal',
    async store(all) {
      const journaled = all.filter((r): r is UsageEvent => !isChargeNotice(r));
      const unexplained = await unexplainedCharges(db, all.filter(isChargeNotice), journaled);
      const events = [...(await notStored(db, journaled)), ...unexplained];
      for (let i = 0; i < events.length; i += BATCH) await writer.write(events.slice(i, i + BATCH));
      if (unexplained.length > 0) {
        options.logger.warn({ requests: unexplained.length }, 'usage journal: recorded charges a stopped gateway committed without answering (from its charge notices)');
      }
      return events.length;
    },
  });
}
