import type { ChatCompletionChunk, Clock, NodeContext, NodeTypeDefinition } from '@switchyard/spec';
import type { GatewayError } from '../../errors';
import { NEVER_ABORTED, timeoutError } from '../errors';
import { timeoutManifest } from './timeout.manifest';

export interface TimeoutParams {
  ttftMs?: number;
  totalMs?: number;
}

interface TimeoutState {
  ttftMs?: number;
  totalMs?: number;
  /** For non-streamed answers the first token is the answer: the tighter of the two limits. */
  jsonMs: number;
}

/**
 * A deadline that aborts the calls below through their signal, and also rejects on its own, so a
 * host that ignores the signal cannot hold the request past the limit.
 */
class Deadline {
  readonly controller = new AbortController();
  private timer: unknown;
  private rejectFn: ((e: GatewayError) => void) | undefined;
  readonly expired: Promise<never>;
  private readonly onParentAbort: () => void;

  constructor(
    private readonly clock: Clock,
    private readonly parent: AbortSignal,
  ) {
    this.expired = new Promise<never>((_, reject) => {
      this.rejectFn = reject;
    });
    this.expired.catch(() => {});
    this.onParentAbort = () => this.controller.abort(parent.reason);
    // Nothing to follow on a signal that never fires (and nothing to leak if a stream is dropped).
    if (parent !== NEVER_ABORTED) parent.addEventListener('abort', this.onParentAbort, { once: true });
  }

  arm(ms: number, error: () => GatewayError): void {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      const e = error();
      this.controller.abort(e);
      this.rejectFn?.(e);
    }, ms);
  }

  /** Stops the timer and lets go of the parent signal. */
  release(): void {
    this.clock.clearTimeout(this.timer);
    this.parent.removeEventListener('abort', this.onParentAbort);
  }
}

/** The rest of a stream under the total deadline. */
async function* underDeadline(stream: AsyncIterable<ChatCompletionChunk>, deadline: Deadline): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const it = stream[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const r = await Promise.race([it.next(), deadline.expired]);
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    deadline.release();
    // Do not wait for an upstream that ignores the abort.
    if (!done) void Promise.resolve(it.return?.()).catch(() => {});
  }
}

async function runWithDeadline(ctx: NodeContext<TimeoutParams, TimeoutState>): ReturnType<NodeContext['next']> {
  const s = ctx.state;
  const started = ctx.now();
  const deadline = new Deadline(ctx.host.clock, ctx.signal);
  const firstMs = ctx.stream ? (s.ttftMs ?? s.totalMs!) : s.jsonMs;
  const firstIsTtft = ctx.stream ? s.ttftMs !== undefined : s.ttftMs !== undefined && s.ttftMs <= (s.totalMs ?? Infinity);
  deadline.arm(firstMs, () => timeoutError(firstIsTtft ? 'first token' : 'answer', firstMs));
  const pending = ctx.next('next', { signal: deadline.controller.signal });
  let outcome;
  try {
    outcome = await Promise.race([pending, deadline.expired]);
  } catch (err) {
    deadline.release();
    // A late answer after the deadline is dropped; a late stream is closed.
    pending.then(
      (late) => {
        if (late.kind === 'stream') void Promise.resolve(late.stream[Symbol.asyncIterator]().return?.()).catch(() => {});
      },
      () => {},
    );
    if (deadline.controller.signal.aborted && deadline.controller.signal.reason === err) ctx.decide(firstIsTtft ? 'first token too late' : 'too late');
    throw err;
  }
  if (outcome.kind !== 'stream' || s.totalMs === undefined) {
    deadline.release();
    ctx.decide('in time');
    return outcome;
  }
  const left = s.totalMs - (ctx.now() - started);
  deadline.arm(Math.max(0, left), () => timeoutError('answer', s.totalMs!));
  ctx.decide('first token in time');
  return { ...outcome, stream: underDeadline(outcome.stream, deadline) };
}

export const timeoutNode: NodeTypeDefinition<TimeoutParams, TimeoutState> = {
  manifest: timeoutManifest,
  prepare(params) {
    return { ttftMs: params.ttftMs, totalMs: params.totalMs, jsonMs: Math.min(params.ttftMs ?? Infinity, params.totalMs ?? Infinity) };
  },
  execute: runWithDeadline,
};
