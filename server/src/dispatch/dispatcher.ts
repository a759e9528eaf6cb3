import { errors } from '@switchyard/core';
import type { ChatCompletion, ChatCompletionRequest, EmbeddingRequest, EmbeddingResponse, ImageGenerationRequest, ImageGenerationResponse } from '@switchyard/spec';
import type { Catalog, Route } from '../catalog/catalog';
import type { PipelineDispatch } from '../pipelines/pipeline-dispatch';
import { invokeChat, invokeEmbeddings, invokeImages, openChatStream, type CallOptions, type OpenedStream } from './invoke';

export type ChatResult = { kind: 'json'; body: ChatCompletion } | { kind: 'stream'; stream: OpenedStream };

/**
 * Where an authenticated, validated request goes: the routing pipeline bound to it (by model
 * alias, key, project or default), or else straight to the model's route.
 */
export class Dispatcher {
  constructor(
    private readonly catalog: Catalog,
    private readonly pipelines?: PipelineDispatch,
    /** SWITCHYARD_STREAM_IDLE_TIMEOUT_MS: the longest silence of an upstream stream; 0: none. */
    private readonly streamIdleMs = 0,
  ) {}

  resolve(model: string | undefined): Route {
    const route = model ? this.catalog.resolve(model) : undefined;
    if (!route) throw errors.modelNotFound(model ?? '');
    return route;
  }

  async chat(request: ChatCompletionRequest, opts: CallOptions): Promise<ChatResult> {
    if (request.stream && this.streamIdleMs > 0) opts = withStreamIdle(opts, this.streamIdleMs);
    const pipeline = this.pipelines?.select(request.model, opts.tracker.info.principal);
    if (pipeline) return (await this.pipelines!.run(pipeline, 'chat', request, opts)) as ChatResult;
    const route = this.resolve(request.model);
    if (request.stream) return { kind: 'stream', stream: await openChatStream(route, request, opts) };
    return { kind: 'json', body: await invokeChat(route, request, opts) };
  }

  async embeddings(request: EmbeddingRequest, opts: CallOptions): Promise<EmbeddingResponse> {
    const pipeline = this.pipelines?.select(request.model, opts.tracker.info.principal);
    if (pipeline) return (await this.pipelines!.runJson(pipeline, 'embeddings', request, opts)) as EmbeddingResponse;
    return invokeEmbeddings(this.resolve(request.model), request, opts);
  }

  async images(request: ImageGenerationRequest, opts: CallOptions): Promise<ImageGenerationResponse> {
    const pipeline = this.pipelines?.select(request.model, opts.tracker.info.principal);
    if (pipeline) return (await this.pipelines!.runJson(pipeline, 'images', request, opts)) as ImageGenerationResponse;
    return invokeImages(this.resolve(request.model), request, opts);
  }
}

/**
 * The call's options with the stream idle bound. `Object.assign` rather than `{ ...opts, streamIdleMs }`:
 * on Node 20 an object made by a leading spread and then given new keys outlives young-generation
 * collections (docs/performance.md).
 */
function withStreamIdle(opts: CallOptions, streamIdleMs: number): CallOptions {
  return Object.assign({}, opts, { streamIdleMs });
}
