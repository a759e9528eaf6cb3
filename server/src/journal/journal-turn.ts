/**
 * The journal writes of one turn of the event loop, made together. A journal appends into its own
 * buffer and asks for a write at the end of the turn (`writeAtTurnEnd`): at concurrency 32 about
 * ten records arrive per turn, and each write is a system call. An answer that must not leave
 * before the records it depends on are on disk (a usage event, a charge) waits for
 * `journalsWritten()`: sendJson and the SSE writer do, so a client never has an answer whose
 * record a killed process had not yet handed to the operating system.
 */
export interface TurnBuffered {
  /** Writes what it buffered; never throws (a failed write is the journal's to report). */
  writeBuffered(): void;
}

const dirty = new Set<TurnBuffered>();
let waiting: Array<() => void> = [];
let scheduled = false;

/** `journal` has buffered records: write them (and release waiting answers) at the end of this turn. */
export function writeAtTurnEnd(journal: TurnBuffered): void {
  dirty.add(journal);
  if (scheduled) return;
  scheduled = true;
  setImmediate(writeTurn);
}

/** Undefined when nothing is buffered; otherwise resolves once everything buffered so far is written. */
export function journalsWritten(): Promise<void> | undefined {
  if (dirty.size === 0) return undefined;
  return new Promise((resolve) => waiting.push(resolve));
}

/** Writes every buffered journal now, then releases the answers that waited for them. */
export function writeTurn(): void {
  scheduled = false;
  for (const journal of dirty) journal.writeBuffered();
  dirty.clear();
  const released = waiting;
  waiting = [];
  for (const resolve of released) resolve();
}
