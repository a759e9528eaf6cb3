import type { Logger } from '@switchyard/spec';
import { RateLimitedLog } from './rate-limited-log';
import type { ChargeNotice, UsageJournalRecord } from './charge-notice';
import type { UsageEvent } from './usage-event';
import type { LocalJournal } from '../journal/local-journal';

export type DropReason = 'queue_full' | 'write_failed' | 'shutdown';

export interface UsageRecorderOptions {
  /** Events per write (one multi-row insert); reaching it also triggers a write at once. */
  batchSize: number;
  /** How often queued events are written. */
  flushIntervalMs: number;
  /** Most events held in memory; beyond it new events are dropped (and counted). */
  capacity: number;
  logger: Logger;
  /** Accepted events go to this local journal first, so a killed process loses none (see LocalJournal). */
  journal?: LocalJournal<UsageJournalRecord>;
}

export interface BatchWriter {
  write(events: UsageEvent[]): Promise<void>;
}

/** A failing batch is retried with backoff this many times, then dropped so it cannot block the rest. */
const MAX_ATTEMPTS_PER_BATCH = 8;
const MAX_BACKOFF_MS = 5_000;
/** Requests between their charge and their usage event; past this the oldest is forgotten (its notice stays pending on disk). */
const MAX_NOTICED_REQUESTS = 10_000;

export interface UsageRecorderStatus {
  depth: number;
  capacity: number;
  written: number;
  dropped: Record<DropReason, number>;
  batches: number;
  failedWrites: number;
  lastWriteAt: number | null;
  lastError: string | null;
  /** Records on local disk not yet stored (usage events, charge notices); null without a journal. */
  journaled: number | null;
}

/**
 * The request path hands events to `record`, which only appends to a bounded in-memory queue;
 * a timer writes them in batches. Under overload (the database slower than traffic) the queue
 * fills and new events are dropped, counted by reason and logged at most every 10 s. With a
 * journal, an accepted event is on local disk before `record` returns; events the database never
 * took (a batch given up after its retries, or left at shutdown) stay there for recovery.
 */
export class UsageRecorder {
  private readonly queue: UsageEvent[] = [];
  /** Events ever queued, and ever taken off the queue (written, given up, or lost at close): flush's bookmarks. */
  private accepted = 0;
  private settled = 0;
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private kicked = false;
  /** When the last full batch was written (see onTick). */
  private lastFullBatchAt = -Infinity;
  private failuresInARow = 0;
  private retryAt = 0;
  private closed = false;
  /** Charge notices of requests whose usage event has not come yet (see noteCharge). */
  private readonly noticesAwaitingEvent = new Map<string, ChargeNotice[]>();
  /** Charge notices of queued events: let go from the journal once the event is stored. */
  private readonly noticesOf = new WeakMap<UsageEvent, ChargeNotice[]>();
  private readonly dropLog: RateLimitedLog;
  private readonly writeLog: RateLimitedLog;
  private readonly counters = {
    written: 0,
    dropped: { queue_full: 0, write_failed: 0, shutdown: 0 } as Record<DropReason, number>,
    batches: 0,
    failedWrites: 0,
    lastWriteAt: null as number | null,
    lastError: null as string | null,
  };

  constructor(
    private readonly writer: BatchWriter,
    private readonly options: UsageRecorderOptions,
  ) {
    this.dropLog = new RateLimitedLog(options.logger, 'warn');
    this.writeLog = new RateLimitedLog(options.logger, 'error');
  }

  start(): void {
    this.timer ??= setInterval(() => this.onTick(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * The timer's flush, skipped when a full batch was written less than an interval ago: under load,
   * full batches are written as they fill, and a tick right after one would write the handful of
   * events that arrived since in a transaction of its own. So an event waits at most about two
   * intervals. A part batch written by the previous tick does not count: at low traffic every tick
   * writes what it finds.
   */
  private onTick(): void {
    if (Date.now() - this.lastFullBatchAt < this.options.flushIntervalMs) return;
    void this.flushQueued();
  }

  /**
   * Puts a charge notice on disk now, before the charge it announces is committed (see
   * charge-notice.ts). It is let go once the request's usage event is stored, or dropped (and
   * counted): a notice left on disk means the process died before the event was journaled.
   */
  noteCharge(notice: ChargeNotice): void {
    const journal = this.options.journal;
    if (!journal || this.closed) return;
    journal.append(notice);
    journal.writeBuffered();
    const notices = this.noticesAwaitingEvent.get(notice.requestId);
    if (notices) notices.push(notice);
    else {
      if (this.noticesAwaitingEvent.size >= MAX_NOTICED_REQUESTS) this.noticesAwaitingEvent.delete(this.noticesAwaitingEvent.keys().next().value!);
      this.noticesAwaitingEvent.set(notice.requestId, [notice]);
    }
  }

  record(event: UsageEvent): void {
    const notices = this.noticesAwaitingEvent.get(event.requestId);
    if (notices) this.noticesAwaitingEvent.delete(event.requestId);
    if (this.closed || this.queue.length >= this.options.capacity) {
      // A dropped event is counted as such; its notices must not make it look unanswered later.
      if (notices) this.options.journal?.stored(notices);
      this.drop(this.closed ? 'shutdown' : 'queue_full', 1);
      return;
    }
    if (notices) this.noticesOf.set(event, notices);
    this.options.journal?.append(event);
    this.queue.push(event);
    this.accepted++;
    if (this.queue.length >= this.options.batchSize && !this.flushing) this.kick();
  }

  /**
   * Writes every event queued when it is called, part batches included, after any write under way.
   * It returns early only when a write fails (the timer retries after the backoff). A write under
   * way owes only what was queued when it began, so sharing it would leave later events behind.
   */
  async flush(): Promise<void> {
    const target = this.accepted;
    while (this.settled < target) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      const before = this.settled;
      await this.startRun(Math.min(target - this.settled, this.queue.length), true);
      if (this.settled === before) return;
    }
  }

  /** The timer's and the kick's write: what is queued now, in full batches (see writeQueued). */
  private flushQueued(): Promise<void> {
    return this.flushing ?? this.startRun(this.queue.length, this.closed);
  }

  private startRun(owed: number, partBatchesToo: boolean): Promise<void> {
    const run = this.writeQueued(owed, partBatchesToo).finally(() => {
      this.flushing = undefined;
      // A full batch that arrived during the write need not wait for the timer (but does wait out a retry backoff).
      if (this.queue.length >= this.options.batchSize && Date.now() >= this.retryAt) this.kick();
    });
    this.flushing = run;
    return run;
  }

  private kick(): void {
    if (this.kicked || this.closed) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      void this.flushQueued();
    });
  }

  /**
   * Writes events that did not come through `record` (journal recovery) with the same writer,
   * never at the same time as a queued batch: the writer's rollup state expects one write at a time.
   */
  async writeExclusive(events: UsageEvent[]): Promise<void> {
    while (this.flushing) await this.flushing;
    const run = this.writer.write(events);
    const slot: Promise<void> = run.then(
      () => undefined,
      () => undefined,
    );
    this.flushing = slot;
    void slot.finally(() => {
      if (this.flushing === slot) this.flushing = undefined;
    });
    await run;
  }

  /** Stops the timer and writes everything left (a few tries); what cannot be written is counted and logged. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closed = true;
    // A flush under way writes only what it owed at its start; the tries below are for the rest.
    await this.flushing;
    for (let i = 0; i < 3 && this.queue.length > 0; i++) {
      this.retryAt = 0;
      await this.flush();
    }
    await this.flushing;
    if (this.queue.length > 0) {
      const lost = this.queue.length;
      this.takeOff(lost);
      this.drop('shutdown', lost, true);
    }
    this.options.journal?.close();
  }

  status(): UsageRecorderStatus {
    return { depth: this.queue.length, capacity: this.options.capacity, ...this.counters, dropped: { ...this.counters.dropped }, journaled: this.options.journal?.pending ?? null };
  }

  /**
   * Writes `owed` events from the front of the queue, in full batches; a part batch only when it is
   * the first (the timer's flush of a quiet queue), or when `partBatchesToo` (an explicit flush, or
   * close). Those that arrive meanwhile wait for the next flush. Looping until the queue is empty
   * would chase the traffic: under steady load a few events arrive during every write, and the
   * recorder wrote a transaction of a handful of events every few milliseconds (about 240 a second
   * at 1,450 requests/s) instead of one per interval; and after a full batch, the few events queued
   * beyond it made a transaction of their own.
   */
  private async writeQueued(owed: number, partBatchesToo: boolean): Promise<void> {
    let wrote = false;
    while (owed > 0 && Date.now() >= this.retryAt) {
      // After a full batch, what is left of a batch waits for the next flush to fill up.
      if (wrote && owed < this.options.batchSize && !partBatchesToo) return;
      // The batch stays in the queue while it is written, so the capacity bounds memory.
      const batch = this.queue.slice(0, Math.min(this.options.batchSize, owed));
      try {
        await this.writer.write(batch);
      } catch (err) {
        this.onWriteFailed(batch.length, err);
        return;
      }
      this.takeOff(batch.length);
      owed -= batch.length;
      wrote = true;
      if (batch.length === this.options.batchSize) this.lastFullBatchAt = Date.now();
      this.options.journal?.stored(batch);
      for (const event of batch) {
        const notices = this.noticesOf.get(event);
        if (notices) this.options.journal?.stored(notices);
      }
      this.failuresInARow = 0;
      this.counters.written += batch.length;
      this.counters.batches += 1;
      this.counters.lastWriteAt = Date.now();
    }
  }

  private takeOff(n: number): void {
    this.queue.splice(0, n);
    this.settled += n;
  }

  private onWriteFailed(size: number, err: unknown): void {
    this.failuresInARow++;
    this.counters.failedWrites++;
    this.counters.lastError = (err as Error)?.message ?? String(err);
    this.writeLog.log({ err: { message: this.counters.lastError }, batch: size, attempt: this.failuresInARow, queued: this.queue.length }, 'writing usage events failed; retrying');
    if (this.failuresInARow >= MAX_ATTEMPTS_PER_BATCH) {
      this.takeOff(size);
      this.failuresInARow = 0;
      this.drop('write_failed', size, true);
      return;
    }
    this.retryAt = Date.now() + Math.min(this.options.flushIntervalMs * 2 ** (this.failuresInARow - 1), MAX_BACKOFF_MS);
  }

  private drop(reason: DropReason, n: number, always = false): void {
    this.counters.dropped[reason] += n;
    const fields = { reason, dropped: n, droppedTotal: this.counters.dropped, capacity: this.options.capacity, lastError: this.counters.lastError ?? undefined };
    if (always) this.options.logger.error(fields, 'usage events dropped');
    else this.dropLog.log(fields, 'usage events dropped');
  }
}
