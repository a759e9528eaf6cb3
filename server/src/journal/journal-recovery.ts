import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '@switchyard/spec';
import { LocalJournal, OWNER_FILE, type JournalOwner } from './local-journal';

const CLAIM_MARK = '.recovering-';

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
export function writerGone(owner: JournalOwner | undefined, ownInstanceId: string, dir?: string): boolean {
  if (!owner) return true;
  if (owner.instanceId === ownInstanceId || owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return !(dir && LocalJournal.isOpenHere(dir));
  return !alive(owner.pid);
}

function readOwner(dir: string): JournalOwner | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as JournalOwner;
  } catch {
    return undefined;
  }
}

/** The records of a folder's segments, oldest first; a line cut short by the kill is skipped. */
export function readJournal<T = unknown>(dir: string): T[] {
  const events: T[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as T);
      } catch {
        // the last line of a segment, written in part when the process died
      }
    }
  }
  return events;
}

/**
 * Hands the records that gateways killed on this machine left in their journals (see
 * LocalJournal) to `store`, which must skip what the database already has and returns how many
 * it stored. A folder is claimed by renaming it, so two instances sweeping at once never store it
 * twice; a folder whose records could not be stored is given back its name and tried again on
 * the next sweep.
 */
export async function recoverJournals<T>(options: { baseDir: string; instanceId: string; store(records: T[]): Promise<number>; logger: Logger; label: string; noun: string }): Promise<number> {
  const { baseDir, instanceId, store, logger, label, noun } = options;
  if (!existsSync(baseDir)) return 0;
  let recovered = 0;
  for (const name of readdirSync(baseDir)) {
    if (name.includes(CLAIM_MARK)) continue; // another instance is at it (or died at it: see below)
    const dir = path.join(baseDir, name);
    if (!writerGone(readOwner(dir), instanceId, dir)) continue;
    const claimed = `${dir}${CLAIM_MARK}${instanceId}`;
    try {
      renameSync(dir, claimed);
    } catch {
      continue; // taken by another instance first
    }
    try {
      const stored = await store(readJournal<T>(claimed));
      rmSync(claimed, { recursive: true, force: true });
      recovered += stored;
      if (stored > 0) logger.warn({ [noun]: stored, journal: name }, `${label}: stored the ${noun} a stopped gateway had not written`);
    } catch (err) {
      renameSync(claimed, dir);
      logger.error({ err: (err as Error).message, journal: name }, `${label}: recovery failed; will retry`);
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
    if (existsSync(claimantDir) && !writerGone(readOwner(claimantDir), instanceId, claimantDir)) continue;
    try {
      renameSync(path.join(baseDir, name), path.join(baseDir, name.slice(0, at)));
    } catch (err) {
      logger.warn({ err: (err as Error).message, journal: name }, 'journal: could not release an abandoned recovery');
    }
  }
}
