import { defineProviderPlugin, HOST_VERSION, type ProviderInstance } from '@switchyard/plugin-kit';
import { plan, toChunks, toCompletion } from './chat';
import { embed } from './embeddings';
import { FailureInjector } from './failures';
import { generateImages } from './images';
import { readSettings, settingsSchema } from './settings';
import { sleep } from './sleep';

const MOCK_MODELS = ['mock-chat', 'mock-embed', 'mock-image'];

/**
 * A MOCK provider: deterministic answers with no upstream at all. It lets a fresh install run
 * end to end with no keys, and lets tests and demos exercise fallbacks (injected failures,
 * latency). It is never a real model.
 */
export default defineProviderPlugin({
  manifest: {
    id: 'mock',
    kind: 'provider',
    version: HOST_VERSION,
    hostRange: '^0.1.0',
    name: 'Mock provider (for testing — not a real model)',
    description: 'Deterministic echo or canned replies, streamed word by word with usage; tool calls, embeddings and images; configurable latency and injected failures.',
    settingsSchema,
  },
  createProvider(rawSettings): ProviderInstance {
    const settings = readSettings(rawSettings);
    const failures = new FailureInjector(settings.failures);
    let seq = 0;
    const nextId = (prefix: string) => `${prefix}-mock${Date.now().toString(36)}${(seq++).toString(36)}`;

    return {
      async chat(request, ctx) {
        await sleep(settings.latencyMs, ctx.signal);
        failures.check(ctx.model);
        return toCompletion(plan(request, settings, ctx), ctx.model, nextId('chatcmpl'), request.n ?? 1);
      },
      async *chatStream(request, ctx) {
        await sleep(settings.latencyMs, ctx.signal);
        failures.check(ctx.model);
        let first = true;
        for (const chunk of toChunks(plan(request, settings, ctx), ctx.model, nextId('chatcmpl'), request.n ?? 1)) {
          if (!first) await sleep(settings.chunkDelayMs, ctx.signal);
          first = false;
          yield chunk;
        }
      },
      async embeddings(request, ctx) {
        await sleep(settings.latencyMs, ctx.signal);
        failures.check(ctx.model);
        return embed(request, ctx.model);
      },
      async images(request, ctx) {
        await sleep(settings.latencyMs, ctx.signal);
        failures.check(ctx.model);
        return generateImages(request);
      },
      async listModels() {
        return MOCK_MODELS.map((id) => ({ id, ownedBy: 'mock' }));
      },
    };
  },
});
