import { GatewayError } from '@switchyard/core';

/**
 * Bounds the silence of one upstream stream (SWITCHYARD_STREAM_IDLE_TIMEOUT_MS). The providers'
 * own timeouts end when the response headers arrive, so a body that stalls afterwards would hold
 * its socket, its request and its client for ever.
 *
 * One timer per stream, re-armed (`refresh()`, no allocation) each time the gateway waits for the
 * next chunk; only that wait counts, so a slow client that holds up the relay is not blamed on
 * the upstream. When it fires during a wait, the attempt's own signal is aborted (the provider
 * drops the upstream call and its socket) and the wait fails with a 504 `upstream_stream_stalled`.
 * The attempt's signal follows the request's, so a client that leaves still aborts the upstream.
 */
export class StallGuard {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onRequestAbort: () => void;
  /** Fails the wait in progress; undefined while the gateway is not waiting on the upstream. */
  private failWait: ((err: unknown) => void) | undefined;
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
    this.timer = setTimeout(() => this.fire(), idleMs);
    this.timer.unref();
  }

  /** The provider call's signal: aborted by the request's, or by a stall. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Waits for the upstream's next step, failing with the stall error if none comes in time. */
  wait<T>(step: Promise<T>): Promise<T> {
    this.timer.refresh();
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
    const failWait = this.failWait;
    // Not waiting: the relay is busy with the client; the next wait re-arms the timer.
    if (!failWait || this.controller.signal.aborted) return;
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
