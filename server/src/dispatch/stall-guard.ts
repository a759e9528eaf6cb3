import { GatewayError } from '@switchyard/core';

/**
 * Bounds the silence of one upstream stream (SWITCHYARD_STREAM_IDLE_TIMEOUT_MS). The providers'
 * own timeouts end when the response headers arrive, so a body that stalls afterwards would hold
 * its socket, its request and its client for ever.
 *
 * Only the gateway's waits for the next chunk count, so a slow client that holds up the relay is
 * not blamed on the upstream. A wait notes when it began; the stream's one timer checks that
 * when it fires and, if the wait is younger than the limit, fires again when it would reach it.
 * Re-arming the timer on every wait instead cost a timer-list insertion per chunk. When a wait
 * reaches the limit, the attempt's own signal is aborted (the provider drops the upstream call and
 * its socket) and the wait fails with a 504 `upstream_stream_stalled`.
 * The attempt's signal follows the request's, so a client that leaves still aborts the upstream.
 */
export class StallGuard {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  private readonly onRequestAbort: () => void;
  private readonly onTimer = () => this.fire();
  /** Fails the wait in progress; undefined while the gateway is not waiting on the upstream. */
  private failWait: ((err: unknown) => void) | undefined;
  /** When the wait in progress began (performance.now(), which no clock change moves). */
  private waitStartedAt = 0;
  /** Set once the timer has fired during a wait: the error the attempt fails with. */
  stalled: GatewayError | undefined;

  constructor(
    private readonly requestSignal: AbortSignal,
    private readonly idleMs: number,
    private readonly providerId: string,
  ) {
    this.onRequestAbort = () => this.controller.abort(requestSignal.reason);
    if (requestSignal.aborted) this.onRequestAbort();
    else requestSignal.addEventListener('abort', this.onRequestAbort, { once: true });
    this.timer = setTimeout(this.onTimer, idleMs).unref();
  }

  /** The provider call's signal: aborted by the request's, or by a stall. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Waits for the upstream's next step, failing with the stall error if none comes in time. */
  wait<T>(step: Promise<T>): Promise<T> {
    this.waitStartedAt = performance.now();
    return new Promise<T>((resolve, reject) => {
      this.failWait = reject;
      step.then(
        (value) => {
          this.failWait = undefined;
          resolve(value);
        },
        (err) => {
          this.failWait = undefined;
          reject(err);
        },
      );
    });
  }

  /** The stream ended, failed or was closed: stop the timer and let go of the request's signal. */
  close(): void {
    clearTimeout(this.timer);
    this.failWait = undefined;
    this.requestSignal.removeEventListener('abort', this.onRequestAbort);
  }

  private fire(): void {
    // close() clears the timer, so only an aborted attempt gets here with nothing left to do.
    if (this.controller.signal.aborted) return;
    const failWait = this.failWait;
    // Not waiting (the relay is busy with the client): a wait starting from now is checked a full period on.
    if (!failWait) return void this.timer.refresh();
    const waited = performance.now() - this.waitStartedAt;
    if (waited < this.idleMs) {
      this.timer = setTimeout(this.onTimer, Math.ceil(this.idleMs - waited)).unref();
      return;
    }
    this.stalled = new GatewayError({
      status: 504,
      type: 'timeout_error',
      code: 'upstream_stream_stalled',
      message: `Provider '${this.providerId}' sent nothing for ${this.idleMs} ms; the stream was abandoned.`,
      retryable: true,
    });
    this.close();
    // The abort reason is the stall: providers rethrow `signal.reason` for an aborted call.
    this.controller.abort(this.stalled);
    failWait(this.stalled);
  }
}
