import type { Clock } from '@switchyard/spec';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets I/O callbacks and every pending promise reaction run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when told to, so tests of backoff, timeouts and breakers are instant
 * and exact. `delays` records every timer that was set (e.g. the backoff a retry chose).
 */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  readonly delays: number[] = [];

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.delays.push(ms);
    this.timers.push({ id, at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order with promise reactions in between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > end) break;
      this.fire(next);
      await flush();
    }
    this.t = end;
    await flush();
  }

  /** Settles `promise`, jumping straight to the next timer whenever nothing else can happen. */
  async run<T>(promise: Promise<T>, maxTimers = 1000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => {
      settled = true;
    });
    watched.catch(() => {});
    for (let i = 0; i <= maxTimers; i++) {
      await flush();
      if (settled) return watched;
      const next = this.nextTimer();
      if (!next) throw new Error('ManualClock.run: the promise is waiting on something other than a timer');
      this.fire(next);
    }
    throw new Error('ManualClock.run: too many timers');
  }

  private nextTimer(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at) best = t;
    return best;
  }

  private fire(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
    this.t = Math.max(this.t, timer.at);
    timer.fn();
  }
}
