/**
 * The provider conformance suite: one set of vitest cases that every provider plugin runs against
 * its own upstream emulator. The cases script the emulator through the shared Emulator contract,
 * call the plugin the way the gateway does, and check the canonical (OpenAI-shaped) output twice:
 * against OpenAI's published OpenAPI schemas, and by letting the official `openai` client parse it
 * off a local HTTP server.
 *
 * Usage, in a plugin's `src/conformance.test.ts`:
 *
 *   describeProviderConformance({
 *     name: 'anthropic',
 *     plugin,                                   // the plugin's default export
 *     startEmulator: () => startAnthropicEmulator({ apiKey: 'sk-test' }),
 *     settings: (emulator) => ({ baseUrl: emulator.url }),
 *     credential: { apiKey: 'sk-test' },
 *     model: 'claude-sonnet-4-5',
 *     capabilities: { reasoning: true },
 *     upstream: { jsonObjectMode: (body) => ... },   // only where the wire differs from OpenAI's
 *   });
 *
 * What the suite expects of a provider, beyond the types:
 * - Failures are GatewayErrors: 429 retryable with retryAfterMs from the upstream's hint; upstream
 *   auth failures carry code `upstream_auth_failed` and never the credential; 5xx, connection resets
 *   and streams cut mid-way are retryable (status >= 500).
 * - No hidden retries: one call, one upstream request (the gateway's pipelines do the retrying).
 * - Streams are relayed as they arrive, and usage comes last as its own chunk (`choices: []`).
 * - Aborting ctx.signal stops the upstream request, and the call rejects with the abort
 *   (ctx.signal.reason, or an error named AbortError), never with a retryable GatewayError.
 * - Emulator usage scripts use OpenAI's meaning: `input` counts every prompt token, cached ones
 *   included; an emulator for a provider that reports cached tokens apart renders input - cached.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError, HOST_VERSION, checkPlugin } from '@switchyard/core';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  EmbeddingResponse,
  FunctionTool,
  PluginContext,
  ProviderCallContext,
  ProviderInstance,
  ProviderPlugin,
} from '@switchyard/spec';
import type { Emulator, RecordedRequest } from './emulator';
import { expectOpenAIValid } from './openapi';
import { PROBE_PNG_BASE64, startOpenAIClientRelay, type OpenAIClientRelay } from './openai-client-relay';
import { assembleStream } from './stream-assembly';

export interface ConformanceCapabilities {
  /** `n` > 1 yields several choices. Default false. */
  n?: boolean;
  /** Image parts (URL and base64) reach the upstream. Default true. */
  vision?: boolean;
  /** Scripted reasoning surfaces as `reasoning_content`. Default false. */
  reasoning?: boolean;
  /** Scripted reasoning tokens are reported in completion_tokens_details.reasoning_tokens. Default: `reasoning`. */
  reasoningTokens?: boolean;
  /** response_format json_object and json_schema are supported. Default true. */
  jsonMode?: boolean;
  /** A content-filter stop maps to finish_reason `content_filter`. Default true. */
  contentFilter?: boolean;
  /** Cached prompt tokens are reported in prompt_tokens_details.cached_tokens. Default true. */
  cachedTokens?: boolean;
  /** The provider implements embeddings (then `embeddingModel` is used). Default false. */
  embeddings?: boolean;
  /** The provider implements images (then `imageModel` is used). Default false. */
  images?: boolean;
  /** The provider implements listModels. Default true. */
  listModels?: boolean;
}

export interface ProviderConformanceTarget {
  /** Shown in the suite's title. */
  name: string;
  /** The plugin under test (its default export). */
  plugin: ProviderPlugin;
  /** Starts this provider's upstream emulator; the suite closes it at the end. */
  startEmulator(): Promise<Emulator>;
  /** Settings of the provider instance under test, pointing it at the emulator. */
  settings(emulator: Emulator): Record<string, unknown>;
  /** The credential passed in every call context (what the vault would decrypt). */
  credential: Record<string, string>;
  /** The upstream chat model id passed as ctx.model. */
  model: string;
  embeddingModel?: string;
  imageModel?: string;
  capabilities?: ConformanceCapabilities;
  /**
   * How this provider's upstream request body expresses JSON modes, for wires that differ from
   * OpenAI's. Defaults check OpenAI's `response_format`.
   */
  upstream?: {
    jsonObjectMode?(body: unknown): boolean;
    jsonSchemaMode?(body: unknown, schemaName: string): boolean;
  };
}

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function describeProviderConformance(target: ProviderConformanceTarget): void {
  const caps = {
    n: false,
    vision: true,
    reasoning: false,
    jsonMode: true,
    contentFilter: true,
    cachedTokens: true,
    embeddings: false,
    images: false,
    listModels: true,
    ...target.capabilities,
  };
  const reasoningTokens = target.capabilities?.reasoningTokens ?? caps.reasoning;

  describe(`provider conformance: ${target.name}`, () => {
    let emulator: Emulator;
    let provider: ProviderInstance;
    let relay: OpenAIClientRelay;
    let sequence = 0;

    beforeAll(async () => {
      relay = await startOpenAIClientRelay();
      emulator = await target.startEmulator();
      const context: PluginContext = { hostVersion: HOST_VERSION, logger: silentLogger };
      provider = target.plugin.createProvider(target.settings(emulator), context);
    });
    afterAll(async () => {
      await provider?.close?.();
      await emulator?.close();
      await relay?.close();
    });
    beforeEach(() => emulator.reset());

    const ctx = (signal: AbortSignal = new AbortController().signal, model = target.model): ProviderCallContext => ({
      signal,
      model,
      credential: target.credential,
      requestId: `conformance-${++sequence}`,
    });
    const request = (messages: ChatMessage[] | string, extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
      model: 'gateway-alias',
      messages: typeof messages === 'string' ? [{ role: 'user', content: messages }] : messages,
      ...extra,
    });
    const chat = async (req: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatCompletion> => {
      const completion = await provider.chat(req, ctx(signal));
      await expectValidCompletion(completion, relay);
      return completion;
    };
    const stream = async (req: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatCompletionChunk[]> => {
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of provider.chatStream({ ...req, stream: true }, ctx(signal))) chunks.push(chunk);
      await expectValidStream(chunks, relay);
      return chunks;
    };
    const lastUpstream = (): RecordedRequest => {
      const recorded = emulator.requests.at(-1);
      if (!recorded) throw new Error('the emulator received no request');
      return recorded;
    };

    /* ------------------------------------------------------------------ manifest */

    it('has a manifest the host accepts, with secret credential fields drawn as passwords', () => {
      expect(checkPlugin(target.plugin, HOST_VERSION)).toEqual([]);
      expect(target.plugin.manifest.kind).toBe('provider');
      const fields = (target.plugin.manifest.credentialSchema?.properties ?? {}) as Record<string, { 'x-ui'?: { widget?: string } }>;
      for (const [name, field] of Object.entries(fields)) {
        if (/key|secret|token|password/i.test(name)) expect(field['x-ui']?.widget, `credential field ${name}`).toBe('password');
      }
    });

    /* ---------------------------------------------------------------------- text */

    it('answers a chat request with a valid chat.completion', async () => {
      emulator.enqueue({ text: 'Conformance says hello.', usage: { input: 11, output: 5 } });
      const completion = await chat(request('Say hello.'));
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices).toHaveLength(1);
      expect(completion.choices[0].message.role).toBe('assistant');
      expect(completion.choices[0].message.content).toBe('Conformance says hello.');
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });
      expect(emulator.requests).toHaveLength(1);
    });

    it('sends the conversation upstream: system prompt and the user turn (echo)', async () => {
      const completion = await chat(
        request([
          { role: 'system', content: 'You are terse. sys-probe-7f3' },
          { role: 'user', content: 'echo probe 4411' },
        ]),
      );
      expect(completion.choices[0].message.content).toBe('echo probe 4411');
      expect(upstreamText(lastUpstream())).toContain('sys-probe-7f3');
    });

    it('serves concurrent requests independently', async () => {
      const prompts = Array.from({ length: 6 }, (_, i) => `parallel prompt ${i}`);
      const completions = await Promise.all(prompts.map((p) => chat(request(p))));
      expect(completions.map((c) => c.choices[0].message.content)).toEqual(prompts);
    });

    if (caps.cachedTokens) {
      it('reports cached prompt tokens in prompt_tokens_details', async () => {
        emulator.enqueue({ text: 'Cached.', usage: { input: 100, output: 20, cachedInput: 60 } });
        const completion = await chat(request('Use the cache.'));
        expect(completion.usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 60 } });
      });
    }

    /* -------------------------------------------------------------------- stream */

    it('streams text chunk by chunk: the assembled text equals the scripted text, usage comes last', async () => {
      const text = 'The quick brown fox jumps over the lazy dog.';
      emulator.enqueue({ text, usage: { input: 9, output: 10 } });
      const chunks = await stream(request('Tell me about the fox.'));
      const assembled = assembleStream(chunks);
      expect(assembled.choices[0].text).toBe(text);
      expect(assembled.choices[0].textDeltas).toBeGreaterThan(1);
      expect(assembled.choices[0].finishReason).toBe('stop');
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      expect(assembled.usageChunkIndex).toBe(chunks.length - 1);
      expect(chunks.at(-1)!.choices).toEqual([]);
      expect(assembled.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 10, total_tokens: 19 });
      expect(emulator.requests).toHaveLength(1);
    });

    /* --------------------------------------------------------------------- tools */

    const weatherTool: FunctionTool = {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
      },
    };
    const timeTool: FunctionTool = {
      type: 'function',
      function: { name: 'get_time', description: 'Current time in a timezone', parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] } },
    };

    it('returns a tool call and sends the tool definitions upstream', async () => {
      emulator.enqueue({ toolCalls: [{ id: 'call_conf_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }], finish: 'tool_calls' });
      const completion = await chat(request('Weather in Paris?', { tools: [weatherTool] }));
      const choice = completion.choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.tool_calls).toHaveLength(1);
      const call = choice.message.tool_calls![0];
      expect(call.type).toBe('function');
      expect(call.id).toEqual(expect.any(String));
      expect(call.id.length).toBeGreaterThan(0);
      expect(call.function.name).toBe('get_weather');
      expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'celsius' });
      const sent = upstreamText(lastUpstream());
      expect(sent).toContain('get_weather');
      expect(sent).toContain('Current weather for a city');
    });

    it('streams parallel tool calls whose argument deltas assemble to the scripted arguments', async () => {
      const scripted = [
        { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
      ];
      emulator.enqueue({ toolCalls: scripted, finish: 'tool_calls' });
      const chunks = await stream(request('Weather and time in Paris?', { tools: [weatherTool, timeTool] }));
      const assembled = assembleStream(chunks).choices[0];
      expect(assembled.finishReason).toBe('tool_calls');
      expect(assembled.toolCalls).toHaveLength(2);
      assembled.toolCalls.forEach((call, i) => {
        expect(call.name).toBe(scripted[i].name);
        expect(call.type).toBe('function');
        expect(call.id && call.id.length > 0).toBe(true);
        expect(JSON.parse(call.arguments)).toEqual(JSON.parse(scripted[i].arguments));
      });
      expect(assembled.toolCalls[0].id).not.toBe(assembled.toolCalls[1].id);
    });

    it('sends tool results back upstream', async () => {
      emulator.enqueue({ text: 'It is 18 degrees in Paris.' });
      const completion = await chat(
        request(
          [
            { role: 'user', content: 'Weather in Paris?' },
            { role: 'assistant', content: null, tool_calls: [{ id: 'call_conf_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
            { role: 'tool', tool_call_id: 'call_conf_9', content: 'tool-result-probe-9931: 18C' },
          ],
          { tools: [weatherTool] },
        ),
      );
      expect(completion.choices[0].message.content).toBe('It is 18 degrees in Paris.');
      const sent = upstreamText(lastUpstream());
      expect(sent).toContain('tool-result-probe-9931');
      expect(sent).toContain('get_weather');
    });

    /* -------------------------------------------------------------------- vision */

    if (caps.vision) {
      it('sends an image given by URL upstream (as the URL or as its bytes)', async () => {
        emulator.enqueue({ text: 'A tiny image.' });
        await chat(request([{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: relay.probeImageUrl } }] }]));
        const sent = upstreamText(lastUpstream());
        expect(sent.includes(relay.probeImageUrl) || sent.includes(PROBE_PNG_BASE64)).toBe(true);
      });

      it('sends an image given as a base64 data URL upstream', async () => {
        emulator.enqueue({ text: 'A tiny image.' });
        await chat(request([{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PROBE_PNG_BASE64}` } }] }]));
        expect(upstreamText(lastUpstream())).toContain(PROBE_PNG_BASE64);
      });
    }

    /* ----------------------------------------------------------------- JSON mode */

    if (caps.jsonMode) {
      it('sends JSON-object mode upstream in its own form', async () => {
        emulator.enqueue({ text: '{"answer":42}' });
        const completion = await chat(request('Reply in JSON with the answer.', { response_format: { type: 'json_object' } }));
        expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ answer: 42 });
        const check = target.upstream?.jsonObjectMode ?? ((body: unknown) => (body as { response_format?: { type?: string } })?.response_format?.type === 'json_object');
        expect(check(lastUpstream().body)).toBe(true);
      });

      it('sends a JSON schema upstream in its own form', async () => {
        emulator.enqueue({ text: '{"conformance_probe_field":"ok"}' });
        const schema = { type: 'object', properties: { conformance_probe_field: { type: 'string' } }, required: ['conformance_probe_field'], additionalProperties: false };
        const completion = await chat(request('Reply in JSON.', { response_format: { type: 'json_schema', json_schema: { name: 'conformance_probe', schema, strict: true } } }));
        expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ conformance_probe_field: 'ok' });
        const body = lastUpstream().body;
        expect(JSON.stringify(body)).toContain('conformance_probe_field');
        const check =
          target.upstream?.jsonSchemaMode ??
          ((sent: unknown, name: string) => {
            const format = (sent as { response_format?: { type?: string; json_schema?: { name?: string } } })?.response_format;
            return format?.type === 'json_schema' && format.json_schema?.name === name;
          });
        expect(check(body, 'conformance_probe')).toBe(true);
      });
    }

    /* ---------------------------------------------------------- sampling options */

    it('passes stop, temperature, top_p and max tokens through', async () => {
      emulator.enqueue({ text: 'ok' }, { text: 'ok' });
      await chat(request('Sample.', { temperature: 0.37, top_p: 0.83, max_tokens: 77, stop: ['STOP-PROBE-1'] }));
      const body = lastUpstream().body;
      expect(hasValue(body, 0.37), 'temperature').toBe(true);
      expect(hasValue(body, 0.83), 'top_p').toBe(true);
      expect(hasValue(body, 77), 'max_tokens').toBe(true);
      expect(hasValue(body, 'STOP-PROBE-1'), 'stop').toBe(true);
      await chat(request('Sample.', { max_completion_tokens: 66 }));
      expect(hasValue(lastUpstream().body, 66), 'max_completion_tokens').toBe(true);
    });

    /* ------------------------------------------------------------ finish reasons */

    const finishes: ('length' | 'content_filter')[] = caps.contentFilter ? ['length', 'content_filter'] : ['length'];
    for (const finish of finishes) {
      it(`maps the upstream's ${finish} stop to finish_reason ${finish}, in JSON and in streams`, async () => {
        emulator.enqueue({ text: 'Partial answer', finish }, { text: 'Partial answer', finish });
        const completion = await chat(request('Go on.'));
        expect(completion.choices[0].finish_reason).toBe(finish);
        const chunks = await stream(request('Go on.'));
        expect(assembleStream(chunks).choices[0].finishReason).toBe(finish);
      });
    }

    /* ------------------------------------------------------------- capabilities */

    if (caps.n) {
      it('returns n choices', async () => {
        emulator.enqueue({ text: 'Same answer.' });
        const completion = await chat(request('Twice, please.', { n: 2 }));
        expect(completion.choices.map((c) => c.index)).toEqual([0, 1]);
        expect(completion.choices.every((c) => c.message.content === 'Same answer.')).toBe(true);
      });
    }

    if (caps.reasoning) {
      it(`surfaces reasoning as reasoning_content, in JSON and in streams${reasoningTokens ? ', and counts reasoning tokens' : ''}`, async () => {
        const reasoning = 'First, consider the question carefully.';
        emulator.enqueue({ reasoning, text: 'Answer.', usage: { input: 10, output: 30, reasoning: 12 } }, { reasoning, text: 'Answer.' });
        const completion = await chat(request('Think first.'));
        expect(completion.choices[0].message.reasoning_content).toBe(reasoning);
        expect(completion.choices[0].message.content).toBe('Answer.');
        if (reasoningTokens) expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(12);
        const assembled = assembleStream(await stream(request('Think first.'))).choices[0];
        expect(assembled.reasoning).toBe(reasoning);
        expect(assembled.text).toBe('Answer.');
      });
    }

    /* -------------------------------------------------------------------- errors */

    it('maps 429 with Retry-After to a retryable GatewayError 429 with retryAfterMs, without retrying itself', async () => {
      emulator.enqueue({ error: { status: 429, kind: 'rate_limit', retryAfterSeconds: 3 } });
      const error = await failureOf(provider.chat(request('Hi.'), ctx()));
      expect(error.status).toBe(429);
      expect(error.retryable).toBe(true);
      expect(error.retryAfterMs).toBe(3000);
      expect(emulator.requests).toHaveLength(1);
    });

    it('maps a 429 before a stream starts the same way', async () => {
      emulator.enqueue({ error: { status: 429, kind: 'rate_limit', retryAfterSeconds: 2 } });
      const error = await failureOf(drain(provider.chatStream(request('Hi.', { stream: true }), ctx())));
      expect(error.status).toBe(429);
      expect(error.retryable).toBe(true);
      expect(error.retryAfterMs).toBe(2000);
    });

    it("maps an upstream 401 to an error that is not the caller's fault and never shows the credential", async () => {
      emulator.enqueue({ error: { status: 401, kind: 'auth' } });
      const error = await failureOf(provider.chat(request('Hi.'), ctx()));
      expect(error.code).toBe('upstream_auth_failed');
      for (const secret of Object.values(target.credential)) {
        if (secret.length >= 6) expect(error.message).not.toContain(secret);
      }
    });

    it('maps an upstream 500 to a retryable error', async () => {
      emulator.enqueue({ error: { status: 500, kind: 'server' } });
      const error = await failureOf(provider.chat(request('Hi.'), ctx()));
      expect(error.status).toBeGreaterThanOrEqual(500);
      expect(error.retryable).toBe(true);
    });

    it('maps an upstream 400 to a non-retryable 400 that keeps the upstream message', async () => {
      emulator.enqueue({ error: { status: 400, kind: 'invalid', message: 'invalid-probe: messages[0] is malformed' } });
      const error = await failureOf(provider.chat(request('Hi.'), ctx()));
      expect(error.status).toBe(400);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('invalid-probe');
    });

    it('maps a connection reset to a retryable error, in JSON and in streams', async () => {
      emulator.enqueue({ reset: true }, { reset: true });
      const json = await failureOf(provider.chat(request('Hi.'), ctx()));
      expect(json.status).toBeGreaterThanOrEqual(500);
      expect(json.retryable).toBe(true);
      const streamed = await failureOf(drain(provider.chatStream(request('Hi.', { stream: true }), ctx())));
      expect(streamed.status).toBeGreaterThanOrEqual(500);
      expect(streamed.retryable).toBe(true);
    });

    it('ends a stream cut mid-way with a retryable error after the chunks already received', async () => {
      emulator.enqueue({ text: 'one two three four five six seven eight nine ten', cutAfterEvents: 4, chunkDelayMs: 1 });
      const received: ChatCompletionChunk[] = [];
      const error = await failureOf(drain(provider.chatStream(request('Count.', { stream: true }), ctx()), received));
      expect(error.status).toBeGreaterThanOrEqual(500);
      expect(error.retryable).toBe(true);
      expect(assembleStream(received).choices[0]?.text ?? '').not.toBe('one two three four five six seven eight nine ten');
    });

    /* --------------------------------------------------------------------- abort */

    it('aborting ctx.signal mid-stream stops the upstream request and rejects with the abort', async () => {
      emulator.enqueue({ text: 'tick '.repeat(300).trim(), chunkDelayMs: 10 });
      const controller = new AbortController();
      const received: ChatCompletionChunk[] = [];
      const run = (async () => {
        for await (const chunk of provider.chatStream(request('Tick.', { stream: true }), ctx(controller.signal))) {
          received.push(chunk);
          if (received.length === 2) controller.abort();
        }
      })();
      const outcome = await run.then(
        () => 'completed' as const,
        (error: unknown) => error,
      );
      expectAbortOutcome(outcome, controller.signal);
      expect(received.length).toBeLessThan(50);
      await vi.waitFor(() => expect(emulator.aborted).toBeGreaterThanOrEqual(1), { timeout: 3000, interval: 10 });
    });

    it('aborting ctx.signal while waiting for a JSON answer stops the upstream request', async () => {
      emulator.enqueue({ text: 'late', latencyMs: 3000 });
      const controller = new AbortController();
      const pending = provider.chat(request('Slow.'), ctx(controller.signal));
      await vi.waitFor(() => expect(emulator.requests).toHaveLength(1), { timeout: 3000, interval: 5 });
      controller.abort();
      const outcome = await pending.then(
        () => 'completed' as const,
        (error: unknown) => error,
      );
      expectAbortOutcome(outcome, controller.signal);
      await vi.waitFor(() => expect(emulator.aborted).toBeGreaterThanOrEqual(1), { timeout: 3000, interval: 10 });
    });

    /* ---------------------------------------------------------- other endpoints */

    if (caps.embeddings) {
      it('creates embeddings, as floats and as base64 of little-endian float32', async () => {
        if (!provider.embeddings) throw new Error('capabilities.embeddings is set but the provider has no embeddings()');
        const model = target.embeddingModel ?? target.model;
        const floats = await provider.embeddings({ model: 'gateway-alias', input: ['alpha', 'beta'], encoding_format: 'float' }, ctx(undefined, model));
        await expectValidEmbeddings(floats, 'float', relay);
        expect(floats.data.map((d) => d.index)).toEqual([0, 1]);
        const first = floats.data[0].embedding as number[];
        expect(first.length).toBeGreaterThan(0);
        expect(first.every((v) => Number.isFinite(v))).toBe(true);
        expect(floats.usage.prompt_tokens).toBeGreaterThan(0);

        const b64 = await provider.embeddings({ model: 'gateway-alias', input: 'alpha', encoding_format: 'base64' }, ctx(undefined, model));
        await expectValidEmbeddings(b64, 'base64', relay);
        const bytes = Buffer.from(b64.data[0].embedding as string, 'base64');
        expect(bytes.length).toBe(first.length * 4);
      });
    }

    if (caps.images) {
      it('generates n images as base64 PNG data', async () => {
        if (!provider.images) throw new Error('capabilities.images is set but the provider has no images()');
        const images = await provider.images({ prompt: 'a lighthouse at dusk', n: 2, response_format: 'b64_json' }, ctx(undefined, target.imageModel ?? target.model));
        expectOpenAIValid('ImagesResponse', images);
        expect(await relay.images(images)).toEqual(images);
        expect(images.data).toHaveLength(2);
        for (const image of images.data) expect(Buffer.from(image.b64_json!, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
      });
    }

    if (caps.listModels) {
      it('lists upstream models', async () => {
        if (!provider.listModels) throw new Error('capabilities.listModels is on (the default) but the provider has no listModels()');
        const { model: _model, ...listCtx } = ctx();
        const models = await provider.listModels(listCtx);
        expect(models.length).toBeGreaterThan(0);
        expect(models.every((m) => typeof m.id === 'string' && m.id.length > 0)).toBe(true);
        expect(new Set(models.map((m) => m.id)).size).toBe(models.length);
      });
    }
  });
}

/* ------------------------------------------------------------------- checks */

async function expectValidCompletion(completion: ChatCompletion, relay: OpenAIClientRelay): Promise<void> {
  expectOpenAIValid('CreateChatCompletionResponse', completion, 'chat completion');
  expect(await relay.chatCompletion(completion)).toEqual(completion);
}

async function expectValidStream(chunks: ChatCompletionChunk[], relay: OpenAIClientRelay): Promise<void> {
  chunks.forEach((chunk, i) => expectOpenAIValid('CreateChatCompletionStreamResponse', chunk, `stream chunk ${i}`));
  expect(await relay.chatStream(chunks)).toEqual(chunks);
}

async function expectValidEmbeddings(response: EmbeddingResponse, format: 'float' | 'base64', relay: OpenAIClientRelay): Promise<void> {
  // OpenAI's schema only describes float vectors; a base64 answer is checked in its decoded form.
  const asFloats = format === 'float' ? response : { ...response, data: response.data.map((d) => ({ ...d, embedding: decodeFloat32(d.embedding) })) };
  expectOpenAIValid('CreateEmbeddingResponse', asFloats, 'embeddings');
  if (format === 'base64') expect(response.data.every((d) => typeof d.embedding === 'string')).toBe(true);
  expect(await relay.embeddings(response, format)).toEqual(response);
}

function decodeFloat32(embedding: number[] | string): number[] {
  if (typeof embedding !== 'string') return embedding;
  const bytes = Buffer.from(embedding, 'base64');
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4)));
}

/** Awaits a promise that must fail with a GatewayError, and returns that error. */
async function failureOf(promise: Promise<unknown>): Promise<GatewayError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome === undefined) throw new Error('expected the call to fail, but it succeeded');
  if (!GatewayError.is(outcome)) throw new Error(`expected a GatewayError, got ${String((outcome as Error)?.name)}: ${String((outcome as Error)?.message ?? outcome)}`);
  return outcome;
}

async function drain(iterable: AsyncIterable<ChatCompletionChunk>, into: ChatCompletionChunk[] = []): Promise<ChatCompletionChunk[]> {
  for await (const chunk of iterable) into.push(chunk);
  return into;
}

function expectAbortOutcome(outcome: unknown, signal: AbortSignal): void {
  expect(outcome, 'an aborted call must reject, not complete').not.toBe('completed');
  const isAbort = outcome === signal.reason || (outcome as Error | undefined)?.name === 'AbortError';
  expect(isAbort, `an aborted call should reject with ctx.signal.reason or an AbortError, got ${String((outcome as Error)?.name)}: ${String((outcome as Error)?.message)}`).toBe(true);
}

/** Everything the upstream saw, as searchable text. */
function upstreamText(recorded: RecordedRequest): string {
  return `${recorded.path} ${JSON.stringify(recorded.query)} ${typeof recorded.body === 'string' ? recorded.body : JSON.stringify(recorded.body)}`;
}

/** True when `wanted` appears anywhere in `value` (as a number, or as a string or string part). */
function hasValue(value: unknown, wanted: number | string): boolean {
  if (typeof value === 'number') return typeof wanted === 'number' && Math.abs(value - wanted) < 1e-9;
  if (typeof value === 'string') return typeof wanted === 'string' ? value.includes(wanted) : false;
  if (Array.isArray(value)) return value.some((v) => hasValue(v, wanted));
  if (typeof value === 'object' && value !== null) return Object.values(value).some((v) => hasValue(v, wanted));
  return false;
}
