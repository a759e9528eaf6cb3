import type { Logger } from '@switchyard/spec';
import { settledCharges, type SettledCharge } from '../billing/ledger/queries';
import type { Db } from '../db/connect';
import { recoverJournals as recoverLocalJournals } from '../journal/journal-recovery';
import { isChargeNotice, usageFromCharges, type ChargeNotice, type UsageJournalRecord } from './charge-notice';
import type { UsageEvent } from './usage-event';
import type { BatchWriter } from './usage-recorder';


const BATCH = 500;

/** Events the database does not have yet (by request id and time: a stored batch may be in the journal too). */
async function notStored(db: Db, events: UsageEvent[]): Promise<UsageEvent[]> {
  const stored = new Set<string>();
  for (let i = 0; i < events.length; i += BATCH) {
    const ids = [...new Set(events.slice(i, i + BATCH).map((e) => e.requestId))];
    const rows = await db('usage_events').whereIn('request_id', ids).select('request_id', 'ts');
    for (const r of rows as Array<{ request_id: string; ts: number | string }>) stored.add(`${r.request_id}\u0001${Number(r.ts)}`);
  }
  return events.filter((e) => !stored.has(`${e.requestId}\u0001${e.ts}`));
}

function groupInto<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}

/** The requests among `ids` that have a usage row. */
async function recorded(db: Db, ids: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db('usage_events').whereIn('request_id', ids.slice(i, i + BATCH)).distinct('request_id');
    for (const r of rows as Array<{ request_id: string }>) out.add(r.request_id);
  }
  return out;
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
  const inDb = await recorded(db, [...byRequest.keys()]);
  for (const id of inDb) byRequest.delete(id);
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
