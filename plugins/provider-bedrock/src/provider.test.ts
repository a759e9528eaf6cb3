import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/plugin-kit';
import type { ChatCompletionChunk, ChatCompletionRequest, FunctionTool, ProviderInstance } from '@switchyard/plugin-kit';
import { assembleStream, expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { startBedrockEmulator, type BedrockEmulator } from '../../../test/emulators/bedrock';
import { createBedrockProvider } from './provider';

const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
let emulator: BedrockEmulator;
let provider: ProviderInstance;

beforeAll(async () => {
  emulator = await startBedrockEmulator({ region: 'us-west-2' });
  provider = createBedrockProvider({ region: 'us-west-2', endpoint: emulator.url, models: [CLAUDE] });
});
afterAll(async () => {
  await provider.close?.();
  await emulator.close();
});
beforeEach(() => emulator.reset());

const ctx = (overrides: Partial<{ signal: AbortSignal; credential: Record<string, string>; model: string }> = {}) => ({
  signal: new AbortController().signal,
  model: CLAUDE,
  credential: { ...emulator.credentials },
  requestId: 'test',
  ...overrides,
});
const ask = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({ model: 'alias', messages: [{ role: 'user', content: 'Hello Bedrock' }], ...extra });
const weather: FunctionTool = { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

async function streamOf(request: ChatCompletionRequest, context = ctx()): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of provider.chatStream({ ...request, stream: true }, context)) {
    expectOpenAIValid('CreateChatCompletionStreamResponse', chunk);
    chunks.push(chunk);
  }
  return chunks;
}

async function gatewayFailure(promise: Promise<unknown>): Promise<GatewayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!GatewayError.is(err)) throw new Error(`expected a GatewayError, got ${String((err as Error)?.message ?? err)}`);
  return err;
}

async function drain(iterable: AsyncIterable<ChatCompletionChunk>, into: ChatCompletionChunk[] = []) {
  for await (const chunk of iterable) into.push(chunk);
  return into;
}

describe('chat through the SDK and the emulator', () => {
  it('sends a Converse request built from the OpenAI request', async () => {
    emulator.enqueue({ text: 'Sunny.' });
    await provider.chat(
      ask({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather?' },
        ],
        tools: [weather],
        tool_choice: 'required',
        temperature: 0.5,
        max_tokens: 300,
        stop: ['###'],
      }),
      ctx(),
    );
    const recorded = emulator.requests[0];
    expect(recorded.path).toBe(`/model/${CLAUDE}/converse`);
    expect(recorded.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Weather?' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 300, temperature: 0.5, stopSequences: ['###'] },
      toolConfig: { tools: [{ toolSpec: { name: 'weather', inputSchema: { json: weather.function.parameters } } }], toolChoice: { any: {} } },
    });
  });

  it('returns reasoning_content and sends the thinking budget for reasoning_effort', async () => {
    emulator.enqueue({ reasoning: 'Consider the sky.', text: 'Blue.' });
    const completion = await provider.chat(ask({ reasoning_effort: 'low' }), ctx());
    expectOpenAIValid('CreateChatCompletionResponse', completion);
    expect(completion.choices[0].message).toMatchObject({ content: 'Blue.', reasoning_content: 'Consider the sky.' });
    expect(emulator.requests[0].body).toMatchObject({ additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 2048 } }, inferenceConfig: { maxTokens: 2048 + 4096 } });
  });

  it('refuses reasoning_effort with a forced tool on Anthropic models before calling Bedrock', async () => {
    const err = await gatewayFailure(provider.chat(ask({ reasoning_effort: 'low', response_format: { type: 'json_object' } }), ctx()));
    expect(err).toMatchObject({ status: 400, param: 'reasoning_effort' });
    expect(emulator.requests).toHaveLength(0);
  });

  it('streams reasoning, text and usage with cache tokens', async () => {
    emulator.enqueue({ reasoning: 'Hmm, let me see.', text: 'It is four.', usage: { input: 120, output: 9, cachedInput: 100, cacheWrite: 10 } });
    const chunks = await streamOf(ask());
    const assembled = assembleStream(chunks);
    expect(assembled.choices[0]).toMatchObject({ reasoning: 'Hmm, let me see.', text: 'It is four.', finishReason: 'stop' });
    expect(assembled.usage).toEqual({ prompt_tokens: 120, completion_tokens: 9, total_tokens: 129, prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 10 } });
    expect(emulator.requests[0].path).toBe(`/model/${CLAUDE}/converse-stream`);
  });

  it('answers response_format json_schema through the forced tool, in JSON and streamed', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const request = ask({ response_format: { type: 'json_schema', json_schema: { name: 'place', schema } } });
    emulator.enqueue({ text: '{"city":"Lima"}' }, { text: '{"city":"Quito"}' });
    const completion = await provider.chat(request, ctx());
    expect(completion.choices[0]).toMatchObject({ message: { content: '{"city":"Lima"}' }, finish_reason: 'stop' });
    expect(completion.choices[0].message.tool_calls).toBeUndefined();
    const streamed = assembleStream(await streamOf(request)).choices[0];
    expect(JSON.parse(streamed.text)).toEqual({ city: 'Quito' });
    expect(streamed.finishReason).toBe('stop');
    expect(emulator.requests[0].body).toMatchObject({ toolConfig: { tools: [{ toolSpec: { name: 'place', inputSchema: { json: schema } } }], toolChoice: { tool: { name: 'place' } } } });
  });

  it('sends a follow-up turn with tool results the way Converse wants it', async () => {
    emulator.enqueue({ text: 'Done.' });
    await provider.chat(
      ask({
        tools: [weather],
        messages: [
          { role: 'user', content: 'Weather in Rome and Oslo?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'tooluse_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
              { id: 'tooluse_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'tooluse_1', content: '25C' },
          { role: 'tool', tool_call_id: 'tooluse_2', content: '5C' },
        ],
      }),
      ctx(),
    );
    // The emulator applies Bedrock's checks (alternation, toolResult for every toolUse, toolConfig present).
    expect((emulator.requests[0].body as { messages: unknown[] }).messages).toHaveLength(3);
  });

  it('refuses n > 1 without calling Bedrock', async () => {
    const err = await gatewayFailure(provider.chat(ask({ n: 3 }), ctx()));
    expect(err).toMatchObject({ status: 400, param: 'n', retryable: false });
    expect(emulator.requests).toHaveLength(0);
  });

  it('lists the models declared in the settings without calling Bedrock', async () => {
    expect(await provider.listModels!({ signal: new AbortController().signal, credential: {}, requestId: 'x' })).toEqual([
      { id: CLAUDE, ownedBy: 'anthropic', capabilities: ['chat', 'streaming', 'tools', 'json', 'vision', 'reasoning'] },
    ]);
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('error mapping through the SDK and the emulator', () => {
  it('ThrottlingException -> 429 retryable with retryAfterMs, one upstream request only', async () => {
    emulator.enqueue({ error: { status: 429, kind: 'rate_limit', retryAfterSeconds: 5 } });
    const err = await gatewayFailure(provider.chat(ask(), ctx()));
    expect(err).toMatchObject({ status: 429, type: 'rate_limit_error', retryable: true, retryAfterMs: 5000 });
    expect(err.message).toContain('Too many requests');
    expect(emulator.requests).toHaveLength(1);
  });

  it('a throttlingException inside the stream ends it with a 429 after the chunks already relayed', async () => {
    emulator.enqueueStreamEvents([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Part' } } },
      { throttlingException: { message: 'Too many tokens per minute.' } },
    ]);
    const received: ChatCompletionChunk[] = [];
    const err = await gatewayFailure(drain(provider.chatStream(ask({ stream: true }), ctx()), received));
    expect(err).toMatchObject({ status: 429, retryable: true });
    expect(err.message).toContain('Too many tokens per minute.');
    expect(assembleStream(received).choices[0].text).toBe('Part');
  });

  it('a modelStreamErrorException inside the stream -> retryable 502', async () => {
    emulator.enqueueStreamEvents([{ messageStart: { role: 'assistant' } }, { modelStreamErrorException: { message: 'model crashed', originalStatusCode: 500 } }]);
    expect(await gatewayFailure(drain(provider.chatStream(ask({ stream: true }), ctx())))).toMatchObject({ status: 502, code: 'model_error', retryable: true });
  });

  it.each([
    [{ status: 503, kind: 'overloaded' as const }, 503, true],
    [{ status: 408 }, 408, true],
    [{ status: 404, kind: 'not_found' as const }, 404, false],
    [{ status: 403, kind: 'auth' as const }, 403, true],
    [{ status: 500, kind: 'server' as const }, 500, true],
    [{ status: 400, kind: 'invalid' as const }, 400, false],
  ])('scripted %j -> %i (retryable %s)', async (error, status, retryable) => {
    emulator.enqueue({ error });
    expect(await gatewayFailure(provider.chat(ask(), ctx()))).toMatchObject({ status, retryable });
  });

  it("Bedrock's own validation failure -> 400 with its message", async () => {
    const err = await gatewayFailure(provider.chat(ask({ temperature: 1.7 }), ctx()));
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect(err.message).toContain('inferenceConfig.temperature');
  });

  it('a wrong secret -> 403 upstream_auth_failed that never shows the secret', async () => {
    const secretAccessKey = 'this-is-the-wrong-secret-0123456789';
    const err = await gatewayFailure(provider.chat(ask(), ctx({ credential: { accessKeyId: emulator.credentials.accessKeyId, secretAccessKey } })));
    expect(err).toMatchObject({ status: 403, code: 'upstream_auth_failed' });
    expect(err.message).toContain('InvalidSignatureException');
    expect(err.message).not.toContain(secretAccessKey);
    expect(emulator.rejectedAuth).toBe(1);
  });

  it('a credential without its secret -> an operator-facing 500 before any call', async () => {
    const err = await gatewayFailure(provider.chat(ask(), ctx({ credential: { accessKeyId: 'AKIAONLYTHEID0000000' } })));
    expect(err).toMatchObject({ status: 500, code: 'credential_missing' });
    expect(emulator.requests).toHaveLength(0);
  });

  it('an unreachable endpoint -> 502 upstream_unreachable, retryable', async () => {
    const port = await closedPort();
    const offline = createBedrockProvider({ region: 'us-west-2', endpoint: `http://127.0.0.1:${port}` });
    const err = await gatewayFailure(offline.chat(ask(), ctx()));
    await offline.close?.();
    expect(err).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
  });

  it('an upstream that stays silent past timeoutMs -> 504, retryable', async () => {
    const impatient = createBedrockProvider({ region: 'us-west-2', endpoint: emulator.url, timeoutMs: 150 });
    emulator.enqueue({ text: 'late', latencyMs: 2000 });
    const err = await gatewayFailure(impatient.chat(ask(), ctx()));
    await impatient.close?.();
    expect(err).toMatchObject({ status: 504, type: 'timeout_error', retryable: true });
  });
});

describe('aborts', () => {
  it('stops the upstream stream when the consumer stops reading early', async () => {
    emulator.enqueue({ text: 'word '.repeat(200).trim(), chunkDelayMs: 5 });
    for await (const chunk of provider.chatStream(ask({ stream: true }), ctx())) {
      if (chunk.choices[0]?.delta.content) break;
    }
    await expect.poll(() => emulator.aborted, { interval: 10, timeout: 3000 }).toBe(1);
  });
});

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
