import type { Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { recoverJournals as recoverLocalJournals } from '../journal/journal-recovery';
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

/** Stores the usage events that gateways killed on this machine left in their journals, under this instance's rollups. */
export function recoverJournals(options: { baseDir: string; instanceId: string; db: Db; writer: BatchWriter; logger: Logger }): Promise<number> {
  const { db, writer } = options;
  return recoverLocalJournals<UsageEvent>({
    ...options,
    noun: 'events',
    label: 'usage journal',
    async store(all) {
      const events = await notStored(db, all);
      for (let i = 0; i < events.length; i += BATCH) await writer.write(events.slice(i, i + BATCH));
      return events.length;
    },
  });
}
