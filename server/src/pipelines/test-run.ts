import { compilePipeline, GatewayError, PipelineValidationError, toGatewayError, type NodeTypeRegistry, type PipelineRunResult } from '@switchyard/core';
import type { ChatCompletionChunk, PipelineGraph, Principal, RequestBody, RequestKind } from '@switchyard/spec';
import type { GatewayHooks } from '../dispatch/hooks';
import { RequestTracker } from '../dispatch/tracker';
import { chatCompletionRequestSchema, embeddingRequestSchema, imageGenerationRequestSchema } from '../validation/schemas';
import { compileValidator } from '../validation/validate';
import { RequestHost, type HostServices } from './host';
import { InvalidPipelineError } from './invalid-pipeline';
import { createPipelineStores } from './stores';
import type { TargetRouter } from './target-routes';

const validators = {
  chat: compileValidator<RequestBody>(chatCompletionRequestSchema),
  embeddings: compileValidator<RequestBody>(embeddingRequestSchema),
  images: compileValidator<RequestBody>(imageGenerationRequestSchema),
};

/** Streams in a test run are collected; past this many chunks the rest is dropped (and counted). */
const MAX_CHUNKS = 2000;

/** The request kind a body is for, when the caller did not say. */
export function inferKind(body: Record<string, unknown>): RequestKind {
  if ('messages' in body) return 'chat';
  if ('input' in body) return 'embeddings';
  if ('prompt' in body) return 'images';
  return 'chat';
}

export interface TestRunInput {
  graph: PipelineGraph;
  pipelineId: string;
  /** `draft` or the version number run. */
  label: number | 'draft';
  kind?: RequestKind;
  request: Record<string, unknown>;
  headers?: Record<string, string>;
  principal?: Principal;
  requestId: string;
  signal: AbortSignal;
}

export interface TestRunDeps {
  registry: NodeTypeRegistry;
  services: Omit<HostServices, 'stores'>;
  router: TargetRouter;
  /** The gateway's hooks for runs against real targets (billing, usage); absent for mock runs. */
  hooks?: Required<GatewayHooks>;
}

/**
 * Runs a graph once for the console: compiled on the spot (a draft, a version, or an unsaved
 * graph), with its own fresh stores so breakers, limits and the cache of live traffic are
 * neither used nor disturbed. Returns the trace, the attempts and the answer (a stream is
 * collected). Real targets go through the same host as live requests, so they are billed and
 * recorded like any request by the caller.
 */
export async function testRun(deps: TestRunDeps, input: TestRunInput) {
  const kind = input.kind ?? inferKind(input.request);
  const body = validators[kind](input.request);
  const stream = kind === 'chat' && (body as { stream?: unknown }).stream === true;

  let compiled;
  try {
    compiled = await compilePipeline(input.graph, deps.registry, { pipelineId: `${input.pipelineId}#test` });
  } catch (err) {
    if (err instanceof PipelineValidationError) throw new InvalidPipelineError(err.issues);
    throw err;
  }

  const endpoint = kind === 'chat' ? 'chat' : kind;
  const tracker = new RequestTracker({ requestId: input.requestId, principal: input.principal, endpoint, stream, requestedModel: String((body as { model?: unknown }).model ?? '') }, deps.hooks);
  tracker.pipeline = { id: input.pipelineId, version: typeof input.label === 'number' ? input.label : 0 };
  const host = new RequestHost({ ...deps.services, stores: createPipelineStores() }, deps.router, tracker);
  try {
    const result: PipelineRunResult = await compiled.run(
      { kind, body, stream, requestId: input.requestId, signal: input.signal, headers: input.headers, principal: input.principal, pipelineId: input.pipelineId },
      host,
    );
    const { failure, ...answer } = await collect(result);
    tracker.cacheHit = result.cacheHit;
    if (failure) tracker.finish(failure.status, failure);
    else tracker.finish(200);
    return {
      pipeline: { id: input.pipelineId, version: input.label },
      kind,
      ok: failure === undefined,
      status: failure?.status ?? 200,
      ...answer,
      target: result.target ?? null,
      cacheHit: result.cacheHit,
      durationMs: result.durationMs,
      trace: result.trace,
      attempts: result.attempts,
      /** What usage and billing recorded, attempt by attempt (credential pool included). */
      upstreamAttempts: tracker.attempts,
    };
  } finally {
    await compiled.dispose();
  }
}

interface RunError {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

function errorInfo(err: unknown): { info: RunError; error: GatewayError } {
  const error = GatewayError.is(err) ? err : toGatewayError(err);
  return { error, info: { status: error.status, ...error.toBody().error } };
}

async function collect(result: PipelineRunResult): Promise<{ response?: unknown; stream?: unknown; error?: RunError; failure?: GatewayError }> {
  if (!result.ok) {
    const { info, error } = errorInfo(result.error);
    return { error: info, failure: error };
  }
  if (result.kind === 'json') return { response: result.response };
  const chunks: ChatCompletionChunk[] = [];
  let dropped = 0;
  let text = '';
  try {
    for await (const c of result.stream) {
      for (const choice of c.choices) if (choice.index === 0 && typeof choice.delta?.content === 'string') text += choice.delta.content;
      if (chunks.length < MAX_CHUNKS) chunks.push(c);
      else dropped++;
    }
  } catch (err) {
    // The streaming rule: what arrived before the failure is kept, then the error.
    const { info, error } = errorInfo(err);
    return { stream: { chunks, dropped, text, delivery: result.delivery }, error: info, failure: error };
  }
  return { stream: { chunks, dropped, text, delivery: result.delivery } };
}
