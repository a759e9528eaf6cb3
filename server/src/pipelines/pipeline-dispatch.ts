import type { ChatCompletionChunk, Principal, RequestBody, RequestKind, ResponseBody } from '@switchyard/spec';
import type { CallOptions, OpenedStream } from '../dispatch/invoke';
import { selectPipeline, type BindingIndex, type SelectedPipeline } from './bindings';
import { RequestHost, type HostServices } from './host';
import type { LivePipeline, PipelineRuntime } from './runtime';
import type { TargetRouter } from './target-routes';

export type PipelineAnswer = { kind: 'json'; body: ResponseBody } | { kind: 'stream'; stream: OpenedStream };

/**
 * Releases the pipeline's lease when a relayed stream ends, however it ends. An iterator
 * object, not a generator: `return()` must reach the stream below even before the first `next()`.
 */
function releasing(inner: AsyncIterator<ChatCompletionChunk>, live: LivePipeline): AsyncIterator<ChatCompletionChunk> {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    live.release();
  };
  return {
    async next() {
      try {
        const step = await inner.next();
        if (step.done) release();
        return step;
      } catch (err) {
        release();
        throw err;
      }
    },
    async return() {
      try {
        await inner.return?.();
      } finally {
        release();
      }
      return { done: true, value: undefined };
    },
  };
}

/**
 * The request path's side of pipelines: which pipeline a request runs (if any), and running it
 * with a host bound to the request's tracker, so every attempt is billed and recorded.
 */
export class PipelineDispatch {
  constructor(
    private readonly deps: {
      runtime: PipelineRuntime;
      bindings: () => BindingIndex;
      services: HostServices;
      router: TargetRouter;
    },
  ) {}

  /** The pipeline for this model and caller; undefined means the direct route. Throws 403/404/503 (see selectPipeline). */
  select(model: string | undefined, principal: Principal | undefined): SelectedPipeline | undefined {
    return selectPipeline(this.deps.bindings(), this.deps.runtime, model, principal);
  }

  /** For requests that are never streamed (embeddings, images). */
  async runJson(selected: SelectedPipeline, kind: RequestKind, body: RequestBody, opts: CallOptions): Promise<ResponseBody> {
    const answer = await this.run(selected, kind, body, opts);
    if (answer.kind !== 'json') throw new Error(`a ${kind} pipeline answered with a stream`);
    return answer.body;
  }

  async run(selected: SelectedPipeline, kind: RequestKind, body: RequestBody, opts: CallOptions): Promise<PipelineAnswer> {
    const { live } = selected;
    const tracker = opts.tracker;
    const principal = tracker.info.principal;
    tracker.pipeline = { id: live.id, version: live.version };
    live.acquire();
    let streaming = false;
    try {
      const result = await live.compiled.run(
        {
          kind,
          body,
          stream: kind === 'chat' && (body as { stream?: unknown }).stream === true,
          requestId: opts.requestId,
          signal: opts.signal,
          headers: opts.headers,
          principal,
          user: principal?.userId ? { id: principal.userId } : undefined,
          pipelineId: live.id,
        },
        new RequestHost(this.deps.services, this.deps.router, tracker, opts.streamIdleMs),
      );
      tracker.cacheHit = result.cacheHit;
      if (!result.ok) throw result.error;
      tracker.markFirstToken();
      if (result.kind === 'json') return { kind: 'json', body: result.response };
      const it = result.stream[Symbol.asyncIterator]();
      // The first chunk is already in hand: this step resolves at once.
      const first = await it.next();
      streaming = true;
      return { kind: 'stream', stream: { first, rest: releasing(it, live) } };
    } finally {
      if (!streaming) live.release();
    }
  }
}
