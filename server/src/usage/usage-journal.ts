import { closeSync, mkdirSync, openSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '@switchyard/spec';
import type { UsageEvent } from './usage-event';

/** Events per segment file before a new one is started (a written-out segment is deleted). */
const SEGMENT_EVENTS = 5_000;

export const OWNER_FILE = 'owner.json';

/** Who writes a journal folder: recovery takes over only folders whose writer is gone. */
export interface JournalOwner {
  instanceId: string;
  pid: number;
  host: string;
  startedAt: number;
}

interface Segment {
  fd: number;
  file: string;
  /** Events appended and not yet stored in the database. */
  pending: number;
  appended: number;
}

/**
 * The usage events a gateway has accepted and not yet stored, on local disk. Every accepted
 * event is appended (one write, before the answer leaves) to the current segment file of this
 * process's folder; once the database has its batch, the events are let go, and a segment with
 * nothing pending is deleted. A process killed (kill -9, OOM) leaves its folder behind, and
 * usage-journal-recovery.ts stores what it holds. The write goes to the operating system without
 * fsync: it survives the process dying, not the machine losing power.
 */
export class UsageJournal {
  /** Journals this process has open (several gateways may run in one process, e.g. tests). */
  private static readonly openHere = new Set<string>();

  static isOpenHere(instanceId: string): boolean {
    return UsageJournal.openHere.has(instanceId);
  }

  private current: Segment;
  private sealed: Segment[] = [];
  private seq = 0;
  private readonly segmentOf = new WeakMap<UsageEvent, Segment>();
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.current = this.openSegment();
  }

  /** Creates `<baseDir>/<instanceId>/` with its owner file and a first segment. */
  static open(baseDir: string, instanceId: string, logger: Logger): UsageJournal {
    const dir = path.join(baseDir, instanceId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const owner: JournalOwner = { instanceId, pid: process.pid, host: hostname(), startedAt: Date.now() };
    writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
    UsageJournal.openHere.add(instanceId);
    return new UsageJournal(dir, logger);
  }

  append(event: UsageEvent): void {
    if (this.closed) return;
    const segment = this.current;
    writeSync(segment.fd, JSON.stringify(event) + '\n');
    segment.pending++;
    this.segmentOf.set(event, segment);
    if (++segment.appended >= SEGMENT_EVENTS) {
      this.sealed.push(segment);
      this.current = this.openSegment();
    }
  }

  /** The events are in the database: their segments may go once nothing else in them is pending. */
  stored(events: UsageEvent[]): void {
    for (const event of events) {
      const segment = this.segmentOf.get(event);
      if (!segment) continue;
      this.segmentOf.delete(event);
      segment.pending--;
    }
    if (this.sealed.length === 0) return;
    this.sealed = this.sealed.filter((segment) => {
      if (segment.pending > 0) return true;
      this.removeSegment(segment);
      return false;
    });
  }

  /** Events not stored (e.g. the database stayed down) stay on disk for recovery; otherwise the folder goes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    UsageJournal.openHere.delete(path.basename(this.dir));
    const segments = [...this.sealed, this.current];
    const pending = segments.reduce((n, s) => n + s.pending, 0);
    for (const s of segments) closeSync(s.fd);
    if (pending === 0) rmSync(this.dir, { recursive: true, force: true });
    else this.logger.warn({ pending, dir: this.dir }, 'usage journal: events not yet stored are kept on disk; the next start stores them');
  }

  private openSegment(): Segment {
    const file = path.join(this.dir, `segment-${String(this.seq++).padStart(6, '0')}.jsonl`);
    return { fd: openSync(file, 'a', 0o600), file, pending: 0, appended: 0 };
  }

  private removeSegment(segment: Segment): void {
    closeSync(segment.fd);
    try {
      unlinkSync(segment.file);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, file: segment.file }, 'usage journal: could not delete a stored segment');
    }
  }
}
