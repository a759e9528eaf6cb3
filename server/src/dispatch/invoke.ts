import { GatewayError } from '@switchyard/core';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, EmbeddingRequest, EmbeddingResponse, ImageGenerationRequest, ImageGenerationResponse, ProviderCallContext, ProviderInstance } from '@switchyard/spec';
import type { Route } from '../catalog/catalog';

export interface CallOptions {
  signal: AbortSignal;
  requestId: string;
}

/** A stream whose first chunk has arrived: until the client sees it, a router may still switch targets. */
export interface OpenedStream {
  first: IteratorResult<ChatCompletionChunk>;
  rest: AsyncIterator<ChatCompletionChunk>;
  /** Which credential served it. */
  credentialId: string | null;
}

/** What one attempt on a target reports, for usage records and routers. */
export interface AttemptInfo {
  credentialId: string | null;
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

function usableInstance(route: Route): ProviderInstance {
  const { instance, problem, record } = route.provider;
  if (!instance) {
    throw new GatewayError({ status: 503, type: 'server_error', code: 'provider_unavailable', message: `Provider '${record.id}' is unavailable: ${problem}.`, retryable: true });
  }
  return instance;
}

/**
 * Runs one operation on a route's provider with a credential from its pool. When a credential
 * is refused (401/403) or rate limited (429), the pool records it and the next usable credential
 * is tried; any other failure is the caller's to handle (a router may fall back).
 */
async function withCredential<T>(route: Route, opts: CallOptions, run: (instance: ProviderInstance, ctx: ProviderCallContext, credentialId: string | null) => Promise<T>): Promise<T> {
  const instance = usableInstance(route);
  const pool = route.provider.pool;
  if (pool.size === 0) {
    const ctx: ProviderCallContext = { signal: opts.signal, model: route.upstreamModel, credential: {}, requestId: opts.requestId };
    try {
      return await run(instance, ctx, null);
    } catch (err) {
      throw normalizeError(err, route, opts.signal);
    }
  }
  const tried = new Set<string>();
  for (;;) {
    const member = pool.pick(tried);
    tried.add(member.id);
    const ctx: ProviderCallContext = { signal: opts.signal, model: route.upstreamModel, credential: member.secret, requestId: opts.requestId };
    try {
      return await run(instance, ctx, member.id);
    } catch (raw) {
      const err = normalizeError(raw, route, opts.signal);
      if (!GatewayError.is(err)) throw err;
      pool.report(member.id, err);
      const credentialProblem = err.status === 401 || err.status === 403 || err.status === 429;
      if (!credentialProblem || tried.size >= pool.size) throw err;
      // Another credential may still work; pick() throws if none is usable.
      try {
        pool.pick(tried);
      } catch {
        throw err;
      }
    }
  }
}

export function invokeChat(route: Route, request: ChatCompletionRequest, opts: CallOptions): Promise<ChatCompletion> {
  return withCredential(route, opts, (p, ctx) => p.chat(request, ctx));
}

/** Starts a stream and waits for its first chunk, so failures before the first byte are ordinary errors. */
export function openChatStream(route: Route, request: ChatCompletionRequest, opts: CallOptions): Promise<OpenedStream> {
  return withCredential(route, opts, async (p, ctx, credentialId) => {
    const rest = p.chatStream(request, ctx)[Symbol.asyncIterator]();
    const first = await rest.next();
    return { first, rest, credentialId };
  });
}

export function invokeEmbeddings(route: Route, request: EmbeddingRequest, opts: CallOptions): Promise<EmbeddingResponse> {
  return withCredential(route, opts, (p, ctx) => {
    if (!p.embeddings) throw unsupported(route, 'embeddings');
    return p.embeddings(request, ctx);
  });
}

export function invokeImages(route: Route, request: ImageGenerationRequest, opts: CallOptions): Promise<ImageGenerationResponse> {
  return withCredential(route, opts, (p, ctx) => {
    if (!p.images) throw unsupported(route, 'image generation');
    return p.images(request, ctx);
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
