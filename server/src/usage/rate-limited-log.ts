import type { Logger } from '@switchyard/spec';

/**
 * Logs a recurring problem at most once per interval, with how many times it happened since
 * the last line, so an overload cannot flood the logs yet is never silent.
 */
export class RateLimitedLog {
  private last = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly logger: Logger,
    private readonly level: 'warn' | 'error',
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  log(fields: Record<string, unknown>, message: string): void {
    const t = this.now();
    if (t - this.last < this.intervalMs) {
      this.suppressed++;
      return;
    }
    this.logger[this.level]({ ...fields, ...(this.suppressed ? { repeatedSinceLastLog: this.suppressed } : {}) }, message);
    this.last = t;
    this.suppressed = 0;
  }
}
