import type { GatewayError } from '@switchyard/core';
import type { Principal } from '@switchyard/spec';
import type { AttemptRecord, Endpoint, GatewayHooks, RequestSummary } from './hooks';

const NO_HOOKS: Required<GatewayHooks> = {
  beforeAttempt: () => undefined,
  afterAttempt: () => undefined,
  onRequestEnd: () => undefined,
};

/**
 * Collects what happens to one request (attempts, first-token time, cache hit) and reports it
 * once when the request ends.
 */
export class RequestTracker {
  readonly attempts: AttemptRecord[] = [];
  readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  ttftMs?: number;
  cacheHit = false;
  pipeline?: { id: string; version: number };
  private finished = false;

  constructor(
    readonly info: { requestId: string; principal?: Principal; endpoint: Endpoint; stream: boolean; requestedModel: string },
    readonly hooks: Required<GatewayHooks> = NO_HOOKS,
  ) {}

  /** Milliseconds since the request arrived. */
  elapsed(): number {
    return performance.now() - this.t0;
  }

  markFirstToken(): void {
    this.ttftMs ??= this.elapsed();
  }

  finish(status: number, error?: GatewayError): void {
    if (this.finished) return;
    this.finished = true;
    let final: AttemptRecord | undefined;
    for (let i = this.attempts.length - 1; i >= 0 && !final; i--) if (this.attempts[i].status === 200) final = this.attempts[i];
    // Field by field, not `{ ...this.info, ... }`: on Node 20 an object made by a leading spread
    // that then gets new keys outlives young-generation collections (docs/performance.md).
    const { info } = this;
    const summary: RequestSummary = {
      requestId: info.requestId,
      principal: info.principal,
      endpoint: info.endpoint,
      stream: info.stream,
      requestedModel: info.requestedModel,
      startedAt: this.startedAt,
      latencyMs: this.elapsed(),
      ttftMs: this.ttftMs,
      status,
      errorType: error?.type,
      errorCode: error?.code,
      attempts: this.attempts,
      final,
      cacheHit: this.cacheHit,
      pipeline: this.pipeline,
    };
    this.hooks.onRequestEnd(summary);
  }
}
