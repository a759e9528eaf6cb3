import { describe, expect, it } from 'vitest';
import { StallGuard } from './stall-guard';

const never = () => new Promise<never>(() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StallGuard', () => {
  it('fails a wait that gets nothing with a retryable 504 and aborts the provider call with it', async () => {
    const guard = new StallGuard(new AbortController().signal, 50, 'slow');
    const err = await guard.wait(never()).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 504, type: 'timeout_error', code: 'upstream_stream_stalled', retryable: true });
    expect(guard.stalled).toBe(err);
    expect(guard.signal.aborted).toBe(true);
    expect(guard.signal.reason).toBe(err); // providers rethrow the reason of an aborted call
  });

  it('counts only the waits: a consumer that is slow between chunks is not a stall', async () => {
    const guard = new StallGuard(new AbortController().signal, 50, 'slow');
    expect(await guard.wait(Promise.resolve(1))).toBe(1);
    await sleep(150); // the timer fires while nobody waits
    expect(await guard.wait(Promise.resolve(2))).toBe(2);
    expect(guard.stalled).toBeUndefined();
    expect(guard.signal.aborted).toBe(false);
    guard.close();
  });

  it('gives a wait that begins late in the timer\'s period the whole limit', async () => {
    const guard = new StallGuard(new AbortController().signal, 200, 'slow');
    await sleep(140);
    // Begins 140 ms into the period and lasts 160 ms: past the timer's first firing, under the limit.
    expect(await guard.wait(sleep(160).then(() => 'late'))).toBe('late');
    expect(guard.stalled).toBeUndefined();
    await sleep(40);
    const startedAt = performance.now();
    const err = await guard.wait(never()).catch((e: unknown) => e);
    expect(err).toBe(guard.stalled);
    // Not before the limit, and well before a whole extra period after it.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(199);
    expect(performance.now() - startedAt).toBeLessThan(390);
  });

  it('follows the request signal until closed', () => {
    const request = new AbortController();
    const guard = new StallGuard(request.signal, 1000, 'slow');
    request.abort(new Error('client left'));
    expect(guard.signal.aborted).toBe(true);
    expect((guard.signal.reason as Error).message).toBe('client left');
    guard.close();

    const later = new AbortController();
    const closed = new StallGuard(later.signal, 1000, 'slow');
    closed.close();
    later.abort();
    expect(closed.signal.aborted).toBe(false); // no listener left on the request's signal
  });
});
