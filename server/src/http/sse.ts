import type { ServerResponse } from 'node:http';
import { journalsWritten } from '../journal/journal-turn';

/**
 * Writes Server-Sent Events, waiting for the socket to drain so a slow client never makes us
 * buffer a whole stream. Frames sent in the same turn of the event loop (several chunks parsed
 * from one upstream read) are joined and leave in one write at the end of the turn: one chunk of
 * the HTTP body and one system call, not one of each per frame.
 */
export class SseWriter {
  /** Frames sent this turn and not yet written. */
  private pending = '';
  private flushScheduled = false;
  /** Set while the socket's buffer is full: senders wait for it. */
  private draining: Promise<void> | undefined;
  private readonly flush = () => {
    // Frames wait for journal records of this turn (the usage event before [DONE]): see journal-turn.ts.
    const journal = journalsWritten();
    if (journal) {
      void journal.then(this.flush);
      return;
    }
    this.flushScheduled = false;
    if (this.pending === '' || this.closed) return;
    const frames = this.pending;
    this.pending = '';
    if (!this.res.write(frames)) this.draining ??= this.drain();
  };

  constructor(private readonly res: ServerResponse) {}

  /** The headers leave with the first frame: callers send one right after opening. */
  open(extraHeaders: Record<string, string> = {}): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // tell nginx not to buffer the stream
      ...extraHeaders,
    });
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /**
   * Queues `data: <json>` (and `event: <name>` when given) for this turn's write. Returns a promise
   * only when the client is not keeping up: the caller waits for it before sending more.
   */
  send(data: unknown, event?: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.pending += (event ? `event: ${event}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
    return this.draining;
  }

  /** Ends the response, with what this turn still holds in the same write (after this turn's journal records, see flush). */
  end(): void {
    const journal = journalsWritten();
    if (journal) {
      void journal.then(() => this.end());
      return;
    }
    if (this.res.writableEnded) return;
    const frames = this.pending;
    this.pending = '';
    if (this.res.destroyed) return;
    if (frames === '') this.res.end();
    else this.res.end(frames);
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        this.draining = undefined;
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
