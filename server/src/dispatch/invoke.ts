import { GatewayError } from '@switchyard/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingRequest, EmbeddingResponse, ImageGenerationRequest, ImageGenerationResponse, ProviderCallContext, ProviderInstance, Usage } from '@switchyard/spec';
import type { Route } from '../catalog/catalog';
import type { AttemptRecord, AttemptStart } from './hooks';
import { StallGuard } from './stall-guard';
import type { RequestTracker } from './tracker';

export interface CallOptions {
  signal: AbortSignal;
  requestId: string;
  tracker: RequestTracker;
  /** The client's headers (lower-case names), for pipeline conditions; credentials are hidden from them there. */
  headers?: Record<string, string | string[] | undefined>;
  /** Use only this credential of the provider's pool (a pipeline target that names one). */
  credentialId?: string;
  /** A stream that ends before its first chunk is a failed attempt (pipelines: a router may move on). */
  emptyStreamFails?: boolean;
  /** Streams only: the longest silence of an opened upstream stream (SWITCHYARD_STREAM_IDLE_TIMEOUT_MS); 0 or absent: none. */
  streamIdleMs?: number;
}

/** A stream whose first chunk has arrived: until the client sees it, a router may still switch targets. */
export interface OpenedStream {
  first: IteratorResult<ChatCompletionChunk>;
  rest: AsyncIterator<ChatCompletionChunk>;
}

/**
 * Turns anything a provider throws into a GatewayError, except an abort caused by our own
 * signal, which is rethrown as is (the client left or a timeout fired; nobody to answer).
 */
export function normalizeError(err: unknown, route: Route, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason ?? err;
  if (GatewayError.is(err)) return err;
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'provider_error',
    message: `Provider '${route.provider.record.id}' failed: ${(err as Error)?.message ?? String(err)}`,
    retryable: true,
    cause: err,
  });
}

function emptyStreamError(route: Route): GatewayError {
  return new GatewayError({ status: 502, type: 'upstream_error', code: 'empty_stream', message: `Provider '${route.provider.record.id}' closed the stream before sending anything.`, retryable: true });
}

function usableInstance(route: Route): ProviderInstance {
  const { instance, problem, record } = route.provider;
  if (!instance) {
    throw new GatewayError({ status: 503, type: 'server_error', code: 'provider_unavailable', message: `Provider '${record.id}' is unavailable: ${problem}.`, retryable: true });
  }
  return instance;
}

/** The bookkeeping of one attempt: hooks before and after, and its record in the tracker. */
class Attempt {
  private readonly t0 = performance.now();
  readonly record: AttemptRecord;
  private done = false;

  private constructor(
    private readonly opts: CallOptions,
    private readonly start: AttemptStart,
    private readonly token: unknown,
    credentialId: string | null,
  ) {
    this.record = { providerId: start.providerId, modelId: start.modelId, upstreamModel: start.upstreamModel, credentialId, status: 0, latencyMs: 0 };
    opts.tracker.attempts.push(this.record);
  }

  static async begin(route: Route, request: unknown, opts: CallOptions, credentialId: string | null): Promise<Attempt> {
    const start: AttemptStart = {
      requestId: opts.requestId,
      principal: opts.tracker.info.principal,
      endpoint: opts.tracker.info.endpoint,
      providerId: route.provider.record.id,
      modelId: route.modelId,
      upstreamModel: route.upstreamModel,
      request,
      attempt: opts.tracker.attempts.length + 1,
    };
    // May throw (insufficient credit, budget): then nothing was sent upstream.
    const token = await opts.tracker.hooks.beforeAttempt(start);
    return new Attempt(opts, start, token, credentialId);
  }

  firstToken(): void {
    this.record.ttftMs ??= performance.now() - this.t0;
    this.opts.tracker.markFirstToken();
  }

  async succeed(extra: Partial<Pick<AttemptRecord, 'usage' | 'images' | 'cut' | 'deliveredText'>> = {}): Promise<void> {
    if (this.done) return;
    this.done = true;
    Object.assign(this.record, { status: 200, latencyMs: performance.now() - this.t0 }, extra);
    await this.opts.tracker.hooks.afterAttempt(this.start, this.token, this.record);
  }

  async fail(err: unknown, extra: Partial<Pick<AttemptRecord, 'usage' | 'cut' | 'deliveredText'>> = {}): Promise<void> {
    if (this.done) return;
    this.done = true;
    const gw = GatewayError.is(err) ? err : undefined;
    Object.assign(this.record, { status: gw?.status ?? 499, errorType: gw?.type ?? 'aborted', errorCode: gw?.code ?? null, latencyMs: performance.now() - this.t0 }, extra);
    await this.opts.tracker.hooks.afterAttempt(this.start, this.token, this.record, gw);
  }
}

/**
 * Runs one operation on a route's provider with a credential from its pool. When a credential
 * is refused (401/403) or rate limited (429), the pool records it and the next usable credential
 * is tried; any other failure is the caller's to handle (a router may fall back).
 */
async function withCredential<T>(route: Route, request: unknown, opts: CallOptions, run: (instance: ProviderInstance, ctx: ProviderCallContext, attempt: Attempt) => Promise<T>): Promise<T> {
  const instance = usableInstance(route);
  const pool = route.provider.pool;
  const tried = opts.credentialId === undefined ? new Set<string>() : othersThan(route, opts.credentialId);
  for (;;) {
    const member = pool.size === 0 ? undefined : pool.pick(tried);
    if (member) tried.add(member.id);
    const attempt = await Attempt.begin(route, request, opts, member?.id ?? null);
    const ctx: ProviderCallContext = { signal: opts.signal, model: route.upstreamModel, credential: member?.secret ?? {}, requestId: opts.requestId };
    try {
      return await run(instance, ctx, attempt);
    } catch (raw) {
      const err = normalizeError(raw, route, opts.signal);
      await attempt.fail(err);
      if (!member || !GatewayError.is(err)) throw err;
      pool.report(member.id, err);
      const credentialProblem = err.status === 401 || err.status === 403 || err.status === 429;
      if (!credentialProblem || !hasAnother(pool, tried)) throw err;
    }
  }
}

/** Every credential of the pool but `credentialId`, to exclude from picking; refuses an id the pool does not have. */
function othersThan(route: Route, credentialId: string): Set<string> {
  const ids = route.provider.pool.states().map((s) => s.id);
  if (!ids.includes(credentialId)) {
    throw new GatewayError({
      status: 503,
      type: 'server_error',
      code: 'unknown_credential',
      message: `Provider '${route.provider.record.id}' has no enabled credential '${credentialId}'.`,
      retryable: true,
    });
  }
  return new Set(ids.filter((id) => id !== credentialId));
}

function hasAnother(pool: Route['provider']['pool'], tried: Set<string>): boolean {
  try {
    pool.pick(tried);
    return true;
  } catch {
    return false;
  }
}

export function invokeChat(route: Route, request: ChatCompletionRequest, opts: CallOptions): Promise<ChatCompletion> {
  return withCredential(route, request, opts, async (p, ctx, attempt) => {
    const res = await p.chat(request, ctx);
    attempt.firstToken();
    await attempt.succeed({ usage: res.usage });
    return res;
  });
}

/**
 * Starts a stream and waits for its first chunk, so failures before the first byte are ordinary
 * errors. The rest is wrapped so the attempt is settled when the stream ends, fails or is cut.
 */
export function openChatStream(route: Route, request: ChatCompletionRequest, opts: CallOptions): Promise<OpenedStream> {
  return withCredential(route, request, opts, async (p, ctx, attempt) => {
    // The guard also bounds the wait for the first chunk: after the headers, no provider timeout does.
    const guard = opts.streamIdleMs ? new StallGuard(ctx.signal, opts.streamIdleMs, route.provider.record.id) : undefined;
    let upstream: AsyncIterator<ChatCompletionChunk> | undefined;
    let first: IteratorResult<ChatCompletionChunk>;
    try {
      upstream = p.chatStream(request, guard ? { ...ctx, signal: guard.signal } : ctx)[Symbol.asyncIterator]();
      first = guard ? await guard.wait(upstream.next()) : await upstream.next();
      if (first.done && opts.emptyStreamFails) throw emptyStreamError(route);
    } catch (err) {
      guard?.close();
      if (guard?.stalled) closeQuietly(upstream);
      throw guard?.stalled ?? err;
    }
    attempt.firstToken();
    const observer = new StreamObserver();
    if (!first.done) observer.see(first.value);
    else {
      guard?.close();
      await attempt.succeed(observer.outcome(false));
    }
    return { first, rest: new ObservedStream(upstream, observer, attempt, opts.signal, guard) };
  });
}

/** Closes an upstream iterator we no longer wait for, without waiting (its pending step may never settle). */
function closeQuietly(upstream: AsyncIterator<ChatCompletionChunk> | undefined): void {
  upstream?.return?.().catch(() => undefined);
}

/** Watches a relayed stream for its usage and the text delivered. */
class StreamObserver {
  usage?: Usage;
  text = '';

  see(chunk: ChatCompletionChunk): void {
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of chunk.choices) {
      const d = c.delta;
      if (d.content) this.text += d.content;
      if (d.reasoning_content) this.text += d.reasoning_content;
      if (d.tool_calls) for (const t of d.tool_calls) this.text += (t.function?.name ?? '') + (t.function?.arguments ?? '');
    }
  }

  /** What the attempt record gets: the upstream's usage, or the delivered text to count. */
  outcome(cut: boolean) {
    return this.usage ? { usage: this.usage, cut } : { deliveredText: this.text, cut };
  }
}

/**
 * The rest of an opened stream, watched: the attempt is settled when the stream ends, fails, or
 * is closed early. An iterator object rather than a generator, so `return()` settles the
 * attempt (and closes the upstream) even when called before the first `next()`: a generator
 * that never started skips its `finally`.
 */
class ObservedStream implements AsyncIterableIterator<ChatCompletionChunk> {
  private ended = false;

  constructor(
    private readonly upstream: AsyncIterator<ChatCompletionChunk>,
    private readonly observer: StreamObserver,
    private readonly attempt: Attempt,
    private readonly signal: AbortSignal,
    private readonly guard?: StallGuard,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (this.ended) return { done: true, value: undefined };
    let step: IteratorResult<ChatCompletionChunk>;
    try {
      step = this.guard ? await this.guard.wait(this.upstream.next()) : await this.upstream.next();
    } catch (raw) {
      this.ended = true;
      this.guard?.close();
      const stalled = this.guard?.stalled;
      if (stalled) closeQuietly(this.upstream);
      const err = stalled ?? raw;
      await this.attempt.fail(this.signal.aborted ? (this.signal.reason ?? err) : err, this.observer.outcome(true));
      throw err;
    }
    if (step.done) {
      this.ended = true;
      this.guard?.close();
      await this.attempt.succeed(this.observer.outcome(false));
      return step;
    }
    this.observer.see(step.value);
    return step;
  }

  /** The consumer stopped early (the client left): close the upstream and settle what was delivered. */
  async return(): Promise<IteratorResult<ChatCompletionChunk>> {
    if (!this.ended) {
      this.ended = true;
      this.guard?.close();
      await this.upstream.return?.().catch(() => undefined);
      await this.attempt.fail(this.signal.reason, this.observer.outcome(true));
    }
    return { done: true, value: undefined };
  }
}

export function invokeEmbeddings(route: Route, request: EmbeddingRequest, opts: CallOptions): Promise<EmbeddingResponse> {
  return withCredential(route, request, opts, async (p, ctx, attempt) => {
    if (!p.embeddings) throw unsupported(route, 'embeddings');
    const res = await p.embeddings(request, ctx);
    await attempt.succeed({ usage: { prompt_tokens: res.usage.prompt_tokens, completion_tokens: 0, total_tokens: res.usage.total_tokens } });
    return res;
  });
}

export function invokeImages(route: Route, request: ImageGenerationRequest, opts: CallOptions): Promise<ImageGenerationResponse> {
  return withCredential(route, request, opts, async (p, ctx, attempt) => {
    if (!p.images) throw unsupported(route, 'image generation');
    const res = await p.images(request, ctx);
    await attempt.succeed({ images: res.data.length });
    return res;
  });
}

function unsupported(route: Route, what: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    param: 'model',
    code: 'unsupported_model',
    message: `The model '${route.modelId}' does not support ${what}.`,
    retryable: false,
  });
}
