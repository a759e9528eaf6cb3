/**
 * The journal writes of one turn of the event loop, made together. A journal appends into its own
 * buffer and asks for a write at the end of the turn (`writeAtTurnEnd`): at concurrency 32 about
 * ten records arrive per turn, and each write is a system call. An answer that must not leave
 * before the records it depends on are on disk (a usage event, a charge) waits for
 * `journalsWritten()`: sendJson and the SSE writer do, so a client never has an answer whose
 * record a killed process had not yet handed to the operating system.
 *
 * Within a turn, journals are written in the order of their `turnRank`, lowest first. A process
 * killed between two of the writes keeps the records of the earlier ones: the usage journal
 * (rank 0) goes before the charge journal (rank 1), so a charge on disk always has on disk the
 * usage event that explains it, even for an answer that never left.
 */
export interface TurnBuffered {
  /** Writes what it buffered; never throws (a failed write is the journal's to report). */
  writeBuffered(): void;
  /** Lower ranks are written first in a turn. */
  readonly turnRank: number;
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
  const journals = dirty.size > 1 ? [...dirty].sort((a, b) => a.turnRank - b.turnRank) : dirty;
  for (const journal of journals) journal.writeBuffered();
  dirty.clear();
  const released = waiting;
  waiting = [];
  for (const resolve of released) resolve();
}
