import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '@switchyard/spec';
import type { UsageEvent } from './usage-event';
import { UsageRecorder, type BatchWriter } from './usage-recorder';

const event = (i: number) => ({ requestId: `req_${i}` }) as UsageEvent;

function logger() {
  const lines: Array<{ level: string; obj: unknown; msg?: string }> = [];
  const at = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as Logger };
}

/** A writer that records the batches it was given, optionally failing or holding each write. */
class FakeWriter implements BatchWriter {
  batches: UsageEvent[][] = [];
  failNext = 0;
  gate?: Promise<void>;
  calls = 0;
  async write(events: UsageEvent[]): Promise<void> {
    this.calls++;
    await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
    this.batches.push([...events]);
  }
  /** Holds every write until the returned function is called. */
  hold(): () => void {
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    return open;
  }
  get written() {
    return this.batches.flat().map((e) => e.requestId);
  }
}

const waitFor = async (cond: () => boolean) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('UsageRecorder', () => {
  it('writes queued events on its timer, in one batch', async () => {
    const w = new FakeWriter();
    const r = new UsageRecorder(w, { batchSize: 500, flushIntervalMs: 20, capacity: 10_000, logger: logger().logger });
    r.start();
    for (let i = 0; i < 7; i++) r.record(event(i));
    expect(w.batches).toHaveLength(0); // recording never writes inline
    await waitFor(() => w.batches.length > 0);
    expect(w.batches).toEqual([Array.from({ length: 7 }, (_, i) => event(i))]);
    await r.close();
  });

  it('splits into batches of the configured size and loses nothing at normal load', async () => {
    const w = new FakeWriter();
    const r = new UsageRecorder(w, { batchSize: 500, flushIntervalMs: 60_000, capacity: 100_000, logger: logger().logger });
    for (let i = 0; i < 1234; i++) r.record(event(i));
    // Reaching a full batch starts a write without waiting for the timer; the part batch left waits to fill up.
    await waitFor(() => w.written.length === 1000);
    expect(w.batches.map((b) => b.length)).toEqual([500, 500]);
    expect(r.status()).toMatchObject({ depth: 234, written: 1000, batches: 2 });
    await r.close();
    expect(w.batches.map((b) => b.length)).toEqual([500, 500, 234]);
    expect(w.written).toEqual(Array.from({ length: 1234 }, (_, i) => `req_${i}`));
    expect(r.status()).toMatchObject({ depth: 0, written: 1234, batches: 3, dropped: { queue_full: 0, write_failed: 0, shutdown: 0 } });
  });

  it('leaves events that arrive during a write for the next flush instead of chasing them with small batches', async () => {
    const w = new FakeWriter();
    const r = new UsageRecorder(w, { batchSize: 500, flushIntervalMs: 60_000, capacity: 10_000, logger: logger().logger });
    const open = w.hold();
    for (let i = 0; i < 3; i++) r.record(event(i));
    const first = r.flush();
    for (let i = 3; i < 5; i++) r.record(event(i)); // arrive while the first write waits on the database
    open();
    await first;
    expect(w.batches.map((b) => b.length)).toEqual([3]);
    expect(r.status().depth).toBe(2);
    await r.flush();
    expect(w.batches.map((b) => b.length)).toEqual([3, 2]);
    await r.close();
  });

  it('starts the next write at once when a full batch arrived during a write', async () => {
    const w = new FakeWriter();
    const r = new UsageRecorder(w, { batchSize: 4, flushIntervalMs: 60_000, capacity: 10_000, logger: logger().logger });
    const open = w.hold();
    r.record(event(0));
    void r.flush();
    for (let i = 1; i < 6; i++) r.record(event(i));
    open();
    // The next flush goes without the 60 s timer: a full batch; the one left over waits to fill up (or for close).
    await waitFor(() => w.written.length === 5);
    expect(w.batches.map((b) => b.length)).toEqual([1, 4]);
    expect(r.status().depth).toBe(1);
    await r.close();
    expect(w.batches.map((b) => b.length)).toEqual([1, 4, 1]);
    expect(w.written).toEqual(Array.from({ length: 6 }, (_, i) => `req_${i}`));
  });

  it('an explicit flush writes everything queued at its call, even while a write that owes less is under way', async () => {
    const w = new FakeWriter();
    const r = new UsageRecorder(w, { batchSize: 4, flushIntervalMs: 60_000, capacity: 10_000, logger: logger().logger });
    const open = w.hold();
    for (let i = 0; i < 4; i++) r.record(event(i)); // a full batch: its write starts on the next turn
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.calls).toBe(1);
    for (let i = 4; i < 10; i++) r.record(event(i)); // arrive while that write waits on the database
    const flushed = r.flush();
    open();
    await flushed;
    // The write under way owed only its 4; the flush then wrote the rest, its part batch too.
    expect(w.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(w.written).toEqual(Array.from({ length: 10 }, (_, i) => `req_${i}`));
    expect(r.status().depth).toBe(0);
    await r.close();
  });

  it('waits out the retry backoff after a failed write even with a full batch queued', async () => {
    const w = new FakeWriter();
    const r = new UsageRecorder(w, { batchSize: 2, flushIntervalMs: 60_000, capacity: 10_000, logger: logger().logger });
    w.failNext = 1;
    for (let i = 0; i < 3; i++) r.record(event(i));
    await waitFor(() => w.calls === 1);
    const flushes = vi.spyOn(r, 'flush');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing tries again before the backoff, however full the queue: no write, and no busy loop of flushes.
    expect(w.calls).toBe(1);
    expect(flushes.mock.calls.length).toBeLessThanOrEqual(1);
    expect(r.status()).toMatchObject({ depth: 3, failedWrites: 1 });
    await r.close();
    expect(w.written).toEqual(['req_0', 'req_1', 'req_2']);
  });

  it('skips a timer tick that comes less than an interval after a full batch, so the events since wait to gather', async () => {
    vi.useFakeTimers();
    try {
      const w = new FakeWriter();
      const r = new UsageRecorder(w, { batchSize: 500, flushIntervalMs: 100, capacity: 10_000, logger: logger().logger });
      r.start();
      await vi.advanceTimersByTimeAsync(90);
      for (let i = 0; i < 500; i++) r.record(event(i)); // a full batch: written at once, at 90 ms
      await vi.advanceTimersByTimeAsync(1);
      expect(w.batches.map((b) => b.length)).toEqual([500]);
      r.record(event(500));
      await vi.advanceTimersByTimeAsync(10); // the tick at 100 ms, 10 ms after the write: skipped
      expect(w.batches).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(98);
      w.gate = new Promise((resolve) => setTimeout(resolve, 5)); // the next write takes 5 ms
      await vi.advanceTimersByTimeAsync(10); // the tick at 200 ms writes it, done at 204 ms
      expect(w.batches.map((b) => b.length)).toEqual([500, 1]);
      // A part batch does not hold the next tick back: at low traffic every tick writes what it finds.
      w.gate = undefined;
      r.record(event(501));
      await vi.advanceTimersByTimeAsync(100); // the tick at 300 ms, 96 ms after that write
      expect(w.batches.map((b) => b.length)).toEqual([500, 1, 1]);
      await r.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops beyond its capacity under overload, counts the drops and logs them rate-limited', async () => {
    const w = new FakeWriter();
    let release!: () => void;
    w.gate = new Promise((resolve) => (release = resolve));
    const log = logger();
    const r = new UsageRecorder(w, { batchSize: 10, flushIntervalMs: 60_000, capacity: 50, logger: log.logger });
    for (let i = 0; i < 80; i++) r.record(event(i)); // the database is stuck: the queue fills
    expect(r.status()).toMatchObject({ depth: 50, dropped: { queue_full: 30 } });
    const warnings = log.lines.filter((l) => l.level === 'warn' && l.msg === 'usage events dropped');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].obj).toMatchObject({ reason: 'queue_full', capacity: 50 });
    release();
    await r.close();
    expect(w.written).toEqual(Array.from({ length: 50 }, (_, i) => `req_${i}`)); // the first 50 kept, in order
    expect(r.status()).toMatchObject({ written: 50, dropped: { queue_full: 30, shutdown: 0 } });
  });

  it('retries a failed write with the same events and logs the failure', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const w = new FakeWriter();
      w.failNext = 2;
      const log = logger();
      const r = new UsageRecorder(w, { batchSize: 100, flushIntervalMs: 100, capacity: 1000, logger: log.logger });
      r.start();
      for (let i = 0; i < 5; i++) r.record(event(i));
      await vi.advanceTimersByTimeAsync(100);
      expect(r.status()).toMatchObject({ failedWrites: 1, depth: 5, lastError: 'database unavailable' });
      await vi.advanceTimersByTimeAsync(1000); // backoff 100 ms, then 200 ms
      expect(w.batches).toEqual([[0, 1, 2, 3, 4].map(event)]);
      expect(r.status()).toMatchObject({ failedWrites: 2, depth: 0, written: 5, dropped: { write_failed: 0 } });
      expect(log.lines.filter((l) => l.level === 'error' && l.msg?.includes('failed'))).toHaveLength(1); // rate-limited
      await r.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up on a batch the database keeps refusing, counting it as write_failed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    try {
      const w = new FakeWriter();
      w.failNext = 8;
      const log = logger();
      const r = new UsageRecorder(w, { batchSize: 3, flushIntervalMs: 10, capacity: 1000, logger: log.logger });
      r.start();
      for (let i = 0; i < 5; i++) r.record(event(i));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(r.status().dropped.write_failed).toBe(3);
      expect(w.written).toEqual(['req_3', 'req_4']);
      expect(log.lines.some((l) => l.level === 'error' && l.msg === 'usage events dropped')).toBe(true);
      await r.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes everything left on close and refuses (counts) events after it', async () => {
    const w = new FakeWriter();
    const r = new UsageRecorder(w, { batchSize: 500, flushIntervalMs: 60_000, capacity: 1000, logger: logger().logger });
    r.start();
    for (let i = 0; i < 3; i++) r.record(event(i));
    await r.close();
    expect(w.written).toEqual(['req_0', 'req_1', 'req_2']);
    r.record(event(9));
    expect(r.status().dropped.shutdown).toBe(1);
  });

  it('counts and logs what it could not write at shutdown', async () => {
    const w = new FakeWriter();
    w.failNext = 100;
    const log = logger();
    const r = new UsageRecorder(w, { batchSize: 500, flushIntervalMs: 60_000, capacity: 1000, logger: log.logger });
    for (let i = 0; i < 4; i++) r.record(event(i));
    await r.close();
    expect(r.status()).toMatchObject({ depth: 0, dropped: { shutdown: 4 } });
    expect(log.lines.some((l) => l.level === 'error' && (l.obj as { reason?: string }).reason === 'shutdown')).toBe(true);
  });
});
