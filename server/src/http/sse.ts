import type { ServerResponse } from 'node:http';

/** Writes Server-Sent Events, waiting for the socket to drain so a slow client never makes us buffer a whole stream. */
export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  open(extraHeaders: Record<string, string> = {}): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no', // tell nginx not to buffer the stream
      ...extraHeaders,
    });
    this.res.flushHeaders();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** `data: <json>` (and `event: <name>` when given); resolves when it is safe to write more. */
  async send(data: unknown, event?: string): Promise<void> {
    const frame = (event ? `event: ${event}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
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
