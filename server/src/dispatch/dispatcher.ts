import { errors } from '@switchyard/core';
import type { ChatCompletion, ChatCompletionRequest, EmbeddingRequest, EmbeddingResponse, ImageGenerationRequest, ImageGenerationResponse } from '@switchyard/spec';
import type { Catalog, Route } from '../catalog/catalog';
import { invokeChat, invokeEmbeddings, invokeImages, openChatStream, type CallOptions, type OpenedStream } from './invoke';

export type ChatResult = { kind: 'json'; body: ChatCompletion } | { kind: 'stream'; stream: OpenedStream };

/**
 * Where an authenticated, validated request goes: it resolves the model to a route and runs
 * the call. (Routing pipelines plug in here: a model bound to a pipeline runs its graph.)
 */
export class Dispatcher {
  constructor(private readonly catalog: Catalog) {}

  resolve(model: string | undefined): Route {
    const route = model ? this.catalog.resolve(model) : undefined;
    if (!route) throw errors.modelNotFound(model ?? '');
    return route;
  }

  async chat(request: ChatCompletionRequest, opts: CallOptions): Promise<ChatResult> {
    const route = this.resolve(request.model);
    if (request.stream) return { kind: 'stream', stream: await openChatStream(route, request, opts) };
    return { kind: 'json', body: await invokeChat(route, request, opts) };
  }

  embeddings(request: EmbeddingRequest, opts: CallOptions): Promise<EmbeddingResponse> {
    return invokeEmbeddings(this.resolve(request.model), request, opts);
  }

  images(request: ImageGenerationRequest, opts: CallOptions): Promise<ImageGenerationResponse> {
    return invokeImages(this.resolve(request.model), request, opts);
  }
}
