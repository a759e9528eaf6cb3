import type { Logger } from '@switchyard/spec';

/**
 * Remembers "last used at" times in memory and writes them in one batch every `intervalMs`, so
 * the request path never waits on a database write. A crash loses at most one interval of
 * timestamps, which is acceptable for an informational field.
 */
export class TouchBatcher {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (batch: Map<string, number>) => Promise<void>,
    private readonly intervalMs: number,
    private readonly logger?: Logger,
  ) {}

  touch(id: string, at = Date.now()): void {
    const prev = this.pending.get(id);
    if (prev === undefined || at > prev) this.pending.set(id, at);
    if (!this.timer && this.intervalMs > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  /** A time not yet written, so listings can show it before the next flush. */
  pendingFor(id: string): number | undefined {
    return this.pending.get(id);
  }

  /** Writes what is pending now (also called on shutdown). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.write(batch);
      } catch (err) {
        this.logger?.warn({ err: (err as Error).message, count: batch.size }, 'could not record last-used times');
      }
    });
    return this.flushing;
  }
}
