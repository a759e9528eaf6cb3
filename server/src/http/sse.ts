import type { ServerResponse } from 'node:http';

/**
 * Writes Server-Sent Events, waiting for the socket to drain so a slow client never makes us
 * buffer a whole stream. Frames written in the same turn of the event loop (several chunks
 * parsed from one upstream read) leave in one write, not one system call each.
 */
export class SseWriter {
  private corked = false;
  private readonly uncork = () => {
    this.corked = false;
    // end() has already flushed (and fully uncorked) the connection, which may now serve the next request.
    if (!this.res.writableEnded) this.res.uncork();
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

  /** `data: <json>` (and `event: <name>` when given); resolves when it is safe to write more. */
  async send(data: unknown, event?: string): Promise<void> {
    const frame = (event ? `event: ${event}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      setImmediate(this.uncork);
    }
    if (!this.res.write(frame)) await this.drain();
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  private drain(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }
}
