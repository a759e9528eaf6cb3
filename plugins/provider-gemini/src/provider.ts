import { randomBytes } from 'node:crypto';
import type { GenerateContentParameters } from '@google/genai';
import type { ChatCompletionRequest, ProviderCallContext, ProviderInstance, UpstreamModelInfo } from '@switchyard/plugin-kit';
import { ClientCache, apiKeyOf } from './client-cache';
import { toGenerateContentParams } from './convert-request';
import { toChatCompletion, type ResponseContext } from './convert-response';
import { toEmbedParams, toEmbeddingResponse } from './embeddings';
import { failure } from './errors';
import { toImagesResponse, toPredictRequest } from './images';
import { toModelInfo } from './models';
import { postPredict } from './predict-call';
import type { GeminiSettings } from './settings';
import { translateStream } from './stream';

/** The Gemini provider: chat (JSON and SSE), embeddings, Imagen images and the model list. */
export function createGeminiProvider(settings: GeminiSettings): ProviderInstance {
  const clients = new ClientCache(settings);

  function chatParams(request: ChatCompletionRequest, ctx: ProviderCallContext, signal: AbortSignal): GenerateContentParameters {
    const params = toGenerateContentParams(request, ctx.model, { jsonSchemaPassthrough: settings.jsonSchemaPassthrough });
    // Object.assign, not a leading spread given a new key: Node 20 keeps those past young collections (docs/performance.md).
    params.config = Object.assign({}, params.config, { abortSignal: signal });
    return params;
  }

  function responseContext(request: ChatCompletionRequest, ctx: ProviderCallContext): ResponseContext {
    return { model: ctx.model, choices: request.n ?? 1, fallbackId: randomBytes(12).toString('base64url') };
  }

  return {
    async chat(request, ctx) {
      const secret = ctx.credential.apiKey;
      try {
        const client = await clients.get(ctx.credential);
        const response = await client.models.generateContent(chatParams(request, ctx, ctx.signal));
        return toChatCompletion(response, responseContext(request, ctx));
      } catch (err) {
        throw failure(err, ctx.signal, secret);
      }
    },

    async *chatStream(request, ctx) {
      const secret = ctx.credential.apiKey;
      // Our own controller, tied to the caller's: if the consumer stops reading early, the
      // upstream request is cancelled too instead of being left to drain.
      const controller = new AbortController();
      const onAbort = () => controller.abort(ctx.signal.reason);
      if (ctx.signal.aborted) onAbort();
      else ctx.signal.addEventListener('abort', onAbort, { once: true });
      let finished = false;
      try {
        const client = await clients.get(ctx.credential);
        const events = await client.models.generateContentStream(chatParams(request, ctx, controller.signal));
        yield* translateStream(events, responseContext(request, ctx));
        finished = true;
      } catch (err) {
        throw failure(err, ctx.signal, secret);
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        if (!finished) controller.abort();
      }
    },

    async embeddings(request, ctx) {
      const secret = ctx.credential.apiKey;
      try {
        const params = toEmbedParams(request, ctx.model);
        params.config = Object.assign({}, params.config, { abortSignal: ctx.signal });
        const client = await clients.get(ctx.credential);
        const response = await client.models.embedContent(params);
        return toEmbeddingResponse(response, request, ctx.model);
      } catch (err) {
        throw failure(err, ctx.signal, secret);
      }
    },

    async images(request, ctx) {
      const secret = ctx.credential.apiKey;
      try {
        const body = toPredictRequest(request);
        const response = await postPredict(settings, apiKeyOf(ctx.credential), ctx.model, body, ctx.signal);
        return toImagesResponse(response, request);
      } catch (err) {
        throw failure(err, ctx.signal, secret);
      }
    },

    async listModels(ctx) {
      const secret = ctx.credential.apiKey;
      try {
        const client = await clients.get(ctx.credential);
        const pager = await client.models.list({ config: { pageSize: 1000, abortSignal: ctx.signal } });
        const models: UpstreamModelInfo[] = [];
        for await (const model of pager) models.push(toModelInfo(model));
        return models;
      } catch (err) {
        throw failure(err, ctx.signal, secret);
      }
    },

    async close() {
      clients.clear();
    },
  };
}
