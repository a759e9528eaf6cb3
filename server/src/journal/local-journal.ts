import { closeSync, mkdirSync, openSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from '@switchyard/spec';
import { writeAtTurnEnd, type TurnBuffered } from './journal-turn';

/** Records per segment file before a new one is started (a written-out segment is deleted). */
const SEGMENT_RECORDS = 5_000;

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
  /** Lines appended this turn and not yet written (see journal-turn.ts). */
  buffered: string;
  /** Records appended and not yet stored in the database. */
  pending: number;
  appended: number;
}

/**
 * Records a gateway has accepted and not yet stored, on local disk (usage events; charges decided
 * against credit leases). Every record is appended to the current segment file of this process's
 * folder: the records of one event-loop turn in one write at the end of the turn, before the
 * answers that depend on them leave (journal-turn.ts). Once the database has a record, it is let
 * go, and a segment with nothing pending is deleted. A process killed (kill -9, OOM) leaves its
 * folder behind, and journal-recovery.ts hands what it holds to a survivor. The write goes to the
 * operating system without fsync: it survives the process dying, not the machine losing power.
 */
export class LocalJournal<T extends object> implements TurnBuffered {
  /** Folders this process has open (several gateways may run in one process, e.g. tests). */
  private static readonly openHere = new Set<string>();

  static isOpenHere(dir: string): boolean {
    return LocalJournal.openHere.has(path.resolve(dir));
  }

  private current: Segment;
  private sealed: Segment[] = [];
  private seq = 0;
  private readonly segmentOf = new WeakMap<T, Segment>();
  /** Segments holding buffered lines, in the order they were appended to. */
  private unwritten: Segment[] = [];
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly logger: Logger,
    readonly turnRank: number,
  ) {
    this.current = this.openSegment();
  }

  /**
   * Creates `<baseDir>/<instanceId>/` with its owner file and a first segment. `turnRank` orders
   * this journal's write among those of the same turn (journal-turn.ts).
   */
  static open<T extends object>(baseDir: string, instanceId: string, logger: Logger, options: { turnRank?: number } = {}): LocalJournal<T> {
    const dir = path.join(baseDir, instanceId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const owner: JournalOwner = { instanceId, pid: process.pid, host: hostname(), startedAt: Date.now() };
    writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
    LocalJournal.openHere.add(path.resolve(dir));
    return new LocalJournal<T>(dir, logger, options.turnRank ?? 0);
  }

  /** Records appended and not yet stored in the database. */
  get pending(): number {
    return this.sealed.reduce((n, s) => n + s.pending, this.current.pending);
  }

  /** Buffers the record; it is written at the end of this turn (or by `writeBuffered`). */
  append(record: T): void {
    if (this.closed) return;
    const segment = this.current;
    if (segment.buffered === '') this.unwritten.push(segment);
    segment.buffered += JSON.stringify(record) + '\n';
    writeAtTurnEnd(this);
    segment.pending++;
    this.segmentOf.set(record, segment);
    if (++segment.appended >= SEGMENT_RECORDS) {
      this.sealed.push(segment);
      this.current = this.openSegment();
    }
  }

  /** Writes the buffered records, one write per segment. A failed write is logged; the records stay in memory for the database. */
  writeBuffered(): void {
    const segments = this.unwritten;
    if (segments.length === 0) return;
    this.unwritten = [];
    for (const segment of segments) {
      const text = segment.buffered;
      segment.buffered = '';
      try {
        writeSync(segment.fd, text);
      } catch (err) {
        this.logger.error({ err: (err as Error).message, file: segment.file }, 'journal: could not write records to local disk; a crash before they are stored would lose them');
      }
    }
  }

  /** The records are in the database: their segments may go once nothing else in them is pending. */
  stored(records: T[]): void {
    for (const record of records) {
      const segment = this.segmentOf.get(record);
      if (!segment) continue;
      this.segmentOf.delete(record);
      segment.pending--;
    }
    if (this.sealed.length === 0) return;
    this.sealed = this.sealed.filter((segment) => {
      if (segment.pending > 0) return true;
      this.removeSegment(segment);
      return false;
    });
  }

  /** Records not stored (e.g. the database stayed down) stay on disk for recovery; otherwise the folder goes. */
  close(): void {
    if (this.closed) return;
    this.writeBuffered();
    this.closed = true;
    LocalJournal.openHere.delete(path.resolve(this.dir));
    const segments = [...this.sealed, this.current];
    const pending = segments.reduce((n, s) => n + s.pending, 0);
    for (const s of segments) closeSync(s.fd);
    if (pending === 0) rmSync(this.dir, { recursive: true, force: true });
    else this.logger.warn({ pending, dir: this.dir }, 'journal: records not yet stored are kept on disk; the next start stores them');
  }

  private openSegment(): Segment {
    const file = path.join(this.dir, `segment-${String(this.seq++).padStart(6, '0')}.jsonl`);
    return { fd: openSync(file, 'a', 0o600), file, buffered: '', pending: 0, appended: 0 };
  }

  private removeSegment(segment: Segment): void {
    if (segment.buffered !== '') this.writeBuffered();
    closeSync(segment.fd);
    try {
      unlinkSync(segment.file);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, file: segment.file }, 'journal: could not delete a stored segment');
    }
  }
}
