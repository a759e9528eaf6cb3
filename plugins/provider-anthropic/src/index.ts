import { GatewayError, defineProviderPlugin, type ChatCompletionChunk, type ProviderCallContext, type ProviderInstance } from '@switchyard/plugin-kit';
import { ClientCache, apiKeyOf } from './client-cache';
import { convertRequest } from './convert-request';
import { convertResponse } from './convert-response';
import { PROVIDER_NAME, abortReason, failureOf } from './errors';
import { listModels } from './list-models';
import { credentialSchema, readSettings, settingsSchema } from './settings';
import { StreamTranslator } from './stream-translator';
import pkg from '../package.json' with { type: 'json' };

/**
 * Anthropic Messages API behind the OpenAI chat-completions shape, through the official SDK.
 * The translation lives in convert-* (request), convert-response and stream-translator
 * (answers), map-* (finish reasons, usage) and errors (failures).
 */
export default defineProviderPlugin({
  manifest: {
    id: PROVIDER_NAME,
    kind: 'provider',
    version: pkg.version,
    hostRange: '^0.1.0',
    name: 'Anthropic',
    description: 'Claude models through the Anthropic Messages API: chat, streaming, tools, vision, JSON output and extended thinking.',
    settingsSchema,
    credentialSchema,
  },
  createProvider(rawSettings): ProviderInstance {
    const settings = readSettings(rawSettings);
    const clients = new ClientCache(settings);
    const requestOptions = (signal: AbortSignal) => ({ signal, timeout: settings.timeoutMs });

    return {
      async chat(request, ctx) {
        const apiKey = apiKeyOf(ctx.credential);
        const { params, context } = convertRequest(request, ctx.model, settings);
        try {
          const client = await clients.get(apiKey);
          const message = await client.messages.create(Object.assign({}, params, { stream: false as const }), requestOptions(ctx.signal));
          return convertResponse(message, context);
        } catch (err) {
          throw failureOf(err, ctx.signal, apiKey);
        }
      },

      async *chatStream(request, ctx: ProviderCallContext): AsyncGenerator<ChatCompletionChunk> {
        const apiKey = apiKeyOf(ctx.credential);
        const { params, context } = convertRequest(request, ctx.model, settings);
        const translator = new StreamTranslator(context, ctx.model);
        try {
          const client = await clients.get(apiKey);
          const stream = await client.messages.create(Object.assign({}, params, { stream: true as const }), requestOptions(ctx.signal));
          for await (const event of stream) yield* translator.push(event);
        } catch (err) {
          throw failureOf(err, ctx.signal, apiKey);
        }
        if (!translator.complete) {
          // The SDK ends quietly when its signal fires, and a peer may close the stream cleanly mid-answer.
          if (ctx.signal.aborted) throw abortReason(ctx.signal);
          throw new GatewayError({ status: 502, type: 'upstream_error', message: `${PROVIDER_NAME}: the stream ended before message_stop.`, code: 'upstream_unreachable', retryable: true });
        }
      },

      async listModels(ctx) {
        const apiKey = apiKeyOf(ctx.credential);
        try {
          return await listModels(await clients.get(apiKey), requestOptions(ctx.signal));
        } catch (err) {
          throw failureOf(err, ctx.signal, apiKey);
        }
      },

      async close() {
        clients.clear();
      },
    };
  },
});
