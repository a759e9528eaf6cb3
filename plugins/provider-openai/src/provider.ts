import type OpenAI from 'openai';
import type { ProviderCallContext, ProviderInstance } from '@switchyard/plugin-kit';
import { chatBody, createChatCompletion } from './chat';
import { createEmbeddings, embeddingsBody } from './embeddings';
import type { ErrorContext } from './errors';
import { generateImages, imagesBody } from './images';
import { listUpstreamModels } from './models';
import { streamBody, streamChatCompletion } from './stream';

export type OpenAIEndpoint = 'chat' | 'embeddings' | 'images';

export interface OpenAIStyleProviderOptions {
  /** Prefix of error messages, e.g. `openai`. */
  name: string;
  /** The SDK client for a call's credential; callers cache clients (see ClientCache). */
  clientFor(credential: Record<string, string>): OpenAI | Promise<OpenAI>;
  /** A last look at each outgoing body: vendor quirks, Azure deployment names. */
  adaptBody?(endpoint: OpenAIEndpoint, body: Record<string, unknown>, ctx: ProviderCallContext): Record<string, unknown>;
  /** Leaves out listModels for upstreams that have no model list. */
  listModels?: boolean;
  close?(): Promise<void> | void;
}

/**
 * A ProviderInstance for any upstream that speaks OpenAI's API through the official SDK: the
 * `openai` plugin uses it as is, `openai-compatible` with its presets and Azure.
 */
export function createOpenAIStyleProvider(options: OpenAIStyleProviderOptions): ProviderInstance {
  const adapt = options.adaptBody ?? ((_endpoint: OpenAIEndpoint, body: Record<string, unknown>) => body);
  const errorsFor = (credential: Record<string, string>): ErrorContext => ({ provider: options.name, secrets: Object.values(credential) });

  const provider: ProviderInstance = {
    async chat(request, ctx) {
      const client = await options.clientFor(ctx.credential);
      return createChatCompletion(client, adapt('chat', chatBody(request, ctx.model), ctx), ctx.signal, errorsFor(ctx.credential));
    },
    async *chatStream(request, ctx) {
      const client = await options.clientFor(ctx.credential);
      yield* streamChatCompletion(client, adapt('chat', streamBody(request, ctx.model), ctx), ctx.signal, errorsFor(ctx.credential));
    },
    async embeddings(request, ctx) {
      const client = await options.clientFor(ctx.credential);
      return createEmbeddings(client, adapt('embeddings', embeddingsBody(request, ctx.model), ctx), ctx.signal, errorsFor(ctx.credential));
    },
    async images(request, ctx) {
      const client = await options.clientFor(ctx.credential);
      return generateImages(client, adapt('images', imagesBody(request, ctx.model), ctx), ctx.signal, errorsFor(ctx.credential));
    },
    async close() {
      await options.close?.();
    },
  };
  if (options.listModels !== false) {
    provider.listModels = async (ctx) => listUpstreamModels(await options.clientFor(ctx.credential), ctx.signal, errorsFor(ctx.credential));
  }
  return provider;
}
