import { randomUUID } from 'node:crypto';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  ImageGenerationRequest,
  ImageGenerationResponse,
  PluginContext,
  ProviderCallContext,
  ProviderInstance,
  UpstreamModelInfo,
} from '@switchyard/plugin-kit';
import { ClientCache } from './client-cache';
import { buildConverseInput } from './converse-request';
import { readCredential, secretsOf } from './credentials';
import { createEmbeddings } from './embeddings';
import { toGatewayError } from './errors';
import { createImageResolver } from './image-input';
import { generateImages } from './images';
import { badUpstream } from './invoke';
import { declaredModels } from './models';
import { toChatCompletion } from './response';
import { loadBedrockSdk } from './sdk';
import { parseSettings } from './settings';
import { toChatChunks } from './stream';

export function createBedrockProvider(rawSettings: Record<string, unknown>, _plugin?: PluginContext): ProviderInstance {
  const settings = parseSettings(rawSettings);
  const clients = new ClientCache(settings);

  /** Runs `work` with the credential's client, mapping every failure to a GatewayError. */
  async function withClient<T>(ctx: ProviderCallContext, work: (client: BedrockRuntimeClient) => Promise<T>): Promise<T> {
    const credential = readCredential(ctx.credential);
    try {
      return await work(await clients.get(credential));
    } catch (err) {
      throw toGatewayError(err, { secrets: secretsOf(credential) }, ctx.signal);
    }
  }

  return {
    chat(request: ChatCompletionRequest, ctx: ProviderCallContext): Promise<ChatCompletion> {
      return withClient(ctx, async (client) => {
        const plan = await buildConverseInput(request, ctx.model, createImageResolver(settings, ctx.signal));
        const { ConverseCommand } = await loadBedrockSdk();
        const output = await client.send(new ConverseCommand(plan.input), { abortSignal: ctx.signal });
        return toChatCompletion(output, { id: completionId(output.$metadata?.requestId), model: ctx.model, created: now(), jsonToolName: plan.jsonToolName });
      });
    },

    async *chatStream(request: ChatCompletionRequest, ctx: ProviderCallContext): AsyncGenerator<ChatCompletionChunk> {
      const credential = readCredential(ctx.credential);
      const scrub = { secrets: secretsOf(credential) };
      // Our own controller, so the upstream connection closes when the consumer stops early too.
      const upstream = new AbortController();
      const forwardAbort = () => upstream.abort(ctx.signal.reason);
      if (ctx.signal.aborted) forwardAbort();
      else ctx.signal.addEventListener('abort', forwardAbort, { once: true });
      try {
        const plan = await buildConverseInput(request, ctx.model, createImageResolver(settings, ctx.signal));
        const client = await clients.get(credential);
        const { ConverseStreamCommand } = await loadBedrockSdk();
        const output = await client.send(new ConverseStreamCommand(plan.input), { abortSignal: upstream.signal });
        if (!output.stream) throw badUpstream('ConverseStream returned no event stream.');
        yield* toChatChunks(output.stream, { id: completionId(output.$metadata?.requestId), model: ctx.model, created: now(), jsonToolName: plan.jsonToolName });
      } catch (err) {
        throw toGatewayError(err, scrub, ctx.signal);
      } finally {
        ctx.signal.removeEventListener('abort', forwardAbort);
        upstream.abort();
      }
    },

    embeddings(request: EmbeddingRequest, ctx: ProviderCallContext): Promise<EmbeddingResponse> {
      return withClient(ctx, (client) => createEmbeddings(request, { client, model: ctx.model, signal: ctx.signal }));
    },

    images(request: ImageGenerationRequest, ctx: ProviderCallContext): Promise<ImageGenerationResponse> {
      return withClient(ctx, (client) => generateImages(request, { client, model: ctx.model, signal: ctx.signal }));
    },

    async listModels(): Promise<UpstreamModelInfo[]> {
      return declaredModels(settings.models);
    },

    async close(): Promise<void> {
      clients.close();
    },
  };
}

function completionId(upstreamRequestId: string | undefined): string {
  return `chatcmpl-${upstreamRequestId ?? randomUUID()}`;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
