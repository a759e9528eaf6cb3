import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { OWNER_FILE, UsageJournal, type JournalOwner } from './usage-journal';
import type { UsageEvent } from './usage-event';
import type { BatchWriter } from './usage-recorder';

const CLAIM_MARK = '.recovering-';
const BATCH = 500;

/** Whether a process with this pid runs on this machine (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a journal folder's writer is gone: on this machine, its process no longer runs, or is
 * this very process under an earlier instance id (a restarted container is often pid 1 again).
 * A folder written on another machine is never taken: its writer may be alive.
 */
export function writerGone(owner: JournalOwner | undefined, ownInstanceId: string): boolean {
  if (!owner) return true;
  if (owner.instanceId === ownInstanceId || owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !UsageJournal.isOpenHere(owner.instanceId);
  return !alive(owner.pid);
}

function readOwner(dir: string): JournalOwner | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as JournalOwner;
  } catch {
    return undefined;
  }
}

/** The events of a folder's segments, oldest first; a line cut short by the kill is skipped. */
export function readJournal(dir: string): UsageEvent[] {
  const events: UsageEvent[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as UsageEvent);
      } catch {
        // the last line of a segment, written in part when the process died
      }
    }
  }
  return events;
}

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

/**
 * Stores the usage events that gateways killed on this machine left in their journals (see
 * UsageJournal), under this instance's rollups. A folder is claimed by renaming it, so two
 * instances sweeping at once never store it twice; a folder whose events could not be stored is
 * given back its name and tried again on the next sweep.
 */
export async function recoverJournals(options: { baseDir: string; instanceId: string; db: Db; writer: BatchWriter; logger: Logger }): Promise<number> {
  const { baseDir, instanceId, db, writer, logger } = options;
  if (!existsSync(baseDir)) return 0;
  let recovered = 0;
  for (const name of readdirSync(baseDir)) {
    if (name.includes(CLAIM_MARK)) continue; // another instance is at it (or died at it: see below)
    const dir = path.join(baseDir, name);
    if (!writerGone(readOwner(dir), instanceId)) continue;
    const claimed = `${dir}${CLAIM_MARK}${instanceId}`;
    try {
      renameSync(dir, claimed);
    } catch {
      continue; // taken by another instance first
    }
    try {
      const events = await notStored(db, readJournal(claimed));
      for (let i = 0; i < events.length; i += BATCH) await writer.write(events.slice(i, i + BATCH));
      rmSync(claimed, { recursive: true, force: true });
      recovered += events.length;
      if (events.length > 0) logger.warn({ events: events.length, journal: name }, 'usage journal: stored the events a stopped gateway had not written');
    } catch (err) {
      renameSync(claimed, dir);
      logger.error({ err: (err as Error).message, journal: name }, 'usage journal: recovery failed; will retry');
    }
  }
  releaseAbandonedClaims(baseDir, instanceId, logger);
  return recovered;
}

/** A claim whose instance died while recovering goes back under its first name for the next sweep. */
function releaseAbandonedClaims(baseDir: string, instanceId: string, logger: Logger): void {
  for (const name of readdirSync(baseDir)) {
    const at = name.indexOf(CLAIM_MARK);
    if (at < 0) continue;
    const claimant = name.slice(at + CLAIM_MARK.length);
    if (claimant === instanceId) continue;
    const claimantDir = path.join(baseDir, claimant);
    // The claimant's own journal folder tells whether it still runs.
    if (existsSync(claimantDir) && !writerGone(readOwner(claimantDir), instanceId)) continue;
    try {
      renameSync(path.join(baseDir, name), path.join(baseDir, name.slice(0, at)));
    } catch (err) {
      logger.warn({ err: (err as Error).message, journal: name }, 'usage journal: could not release an abandoned recovery');
    }
  }
}
