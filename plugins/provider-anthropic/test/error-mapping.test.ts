/** Upstream failures, as the emulator renders them on the wire, through the plugin to GatewayErrors. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ScriptedReply } from '@switchyard/plugin-kit';
import { gatewayFailure } from './gateway-error';
import { API_KEY, callContext, chatRequest, collect, startHarness } from './harness';

type Harness = Awaited<ReturnType<typeof startHarness>>;

const CASES: { error: NonNullable<ScriptedReply['error']>; status: number; type: string; retryable: boolean; code?: string }[] = [
  { error: { status: 400, kind: 'invalid', message: 'messages.0: bad block' }, status: 400, type: 'invalid_request_error', retryable: false },
  { error: { status: 401, kind: 'auth' }, status: 401, type: 'authentication_error', retryable: true, code: 'upstream_auth_failed' },
  { error: { status: 403 }, status: 403, type: 'permission_error', retryable: true, code: 'upstream_auth_failed' },
  { error: { status: 404, kind: 'not_found', message: 'model: claude-nope' }, status: 404, type: 'not_found_error', retryable: false },
  { error: { status: 413 }, status: 413, type: 'invalid_request_error', retryable: false },
  { error: { status: 429, kind: 'rate_limit', retryAfterSeconds: 4 }, status: 429, type: 'rate_limit_error', retryable: true },
  { error: { status: 500, kind: 'server' }, status: 500, type: 'upstream_error', retryable: true },
  { error: { status: 529, kind: 'overloaded', retryAfterSeconds: 1 }, status: 503, type: 'overloaded_error', retryable: true },
];

describe('error mapping through the emulator', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  beforeEach(() => harness.emulator.reset());
  afterAll(() => harness.close());

  for (const c of CASES) {
    it(`maps an upstream ${c.error.status}${c.error.kind ? ` ${c.error.kind}` : ''} to ${c.status} ${c.type}, in JSON and before a stream`, async () => {
      harness.emulator.enqueue({ error: c.error }, { error: c.error });
      const json = await gatewayFailure(() => harness.provider.chat(chatRequest('Hi.'), callContext()));
      const streamed = await gatewayFailure(() => collect(harness.provider.chatStream(chatRequest('Hi.', { stream: true }), callContext())));
      for (const error of [json, streamed]) {
        expect(error).toMatchObject({ status: c.status, type: c.type, retryable: c.retryable });
        if (c.code) expect(error.code).toBe(c.code);
        if (c.error.retryAfterSeconds !== undefined) expect(error.retryAfterMs).toBe(c.error.retryAfterSeconds * 1000);
        if (c.error.message) expect(error.message).toBe(`anthropic: ${c.error.message}`);
        expect(error.message).not.toContain(API_KEY);
      }
      // No hidden retries: one call, one upstream request.
      expect(harness.emulator.requests).toHaveLength(2);
    });
  }

  it('keeps the credential out of the message even when the upstream echoes it', async () => {
    harness.emulator.enqueue({ error: { status: 400, message: `key ${API_KEY} is not allowed here` } });
    const error = await gatewayFailure(() => harness.provider.chat(chatRequest('Hi.'), callContext()));
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).toContain('is not allowed here');
  });

  it('maps the real 401 for a wrong key without showing the key', async () => {
    const wrongKey = 'wrong-anthropic-credential-value-42';
    const error = await gatewayFailure(() => harness.provider.chat(chatRequest('Hi.'), callContext({ credential: { apiKey: wrongKey } })));
    expect(error).toMatchObject({ status: 401, code: 'upstream_auth_failed', message: 'anthropic: invalid x-api-key' });
    expect(error.message).not.toContain(wrongKey);
  });

  it('refuses a credential without apiKey before calling the upstream', async () => {
    const error = await gatewayFailure(() => harness.provider.chat(chatRequest('Hi.'), callContext({ credential: {} })));
    expect(error).toMatchObject({ status: 401, code: 'missing_credential' });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('refuses n > 1 with a 400 on param n, without calling the upstream', async () => {
    const error = await gatewayFailure(() => harness.provider.chat(chatRequest('Hi.', { n: 3 }), callContext()));
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'n', retryable: false });
    expect(harness.emulator.requests).toHaveLength(0);
  });

  it('throws a mid-stream error event as a GatewayError after the chunks already sent', async () => {
    harness.emulator.enqueueEvents([
      { type: 'message_start', message: { id: 'msg_01E', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Partial' } },
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    ]);
    const received: ChatCompletionChunk[] = [];
    const error = await gatewayFailure(() => collect(harness.provider.chatStream(chatRequest('Hi.', { stream: true }), callContext()), received));
    expect(error).toMatchObject({ status: 503, type: 'overloaded_error', retryable: true, message: 'anthropic: Overloaded' });
    expect(received.map((c) => c.choices[0]?.delta.content)).toEqual(['', 'Partial']);
  });

  it('treats a stream that ends cleanly before message_stop as a retryable 502', async () => {
    harness.emulator.enqueueEvents([
      { type: 'message_start', message: { id: 'msg_01T', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Trunc' } },
    ]);
    const error = await gatewayFailure(() => collect(harness.provider.chatStream(chatRequest('Hi.', { stream: true }), callContext())));
    expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
  });

  it('maps a stream cut mid-answer to a retryable 502', async () => {
    harness.emulator.enqueue({ text: 'one two three four five six', cutAfterEvents: 2 });
    const received: ChatCompletionChunk[] = [];
    const error = await gatewayFailure(() => collect(harness.provider.chatStream(chatRequest('Hi.', { stream: true }), callContext()), received));
    expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
    expect(received.map((c) => c.choices[0]?.delta.content).join('')).toBe('one two ');
  });
});

describe('network failures', () => {
  it('maps a refused connection to a retryable 502 upstream_unreachable', async () => {
    // A port that was just free: nothing listens there any more.
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const harness = await startHarness({ baseUrl: `http://127.0.0.1:${port}` });
    try {
      const error = await gatewayFailure(() => harness.provider.chat(chatRequest('Hi.'), callContext()));
      expect(error).toMatchObject({ status: 502, type: 'upstream_error', code: 'upstream_unreachable', retryable: true });
      const streamed = await gatewayFailure(() => collect(harness.provider.chatStream(chatRequest('Hi.', { stream: true }), callContext())));
      expect(streamed).toMatchObject({ status: 502, code: 'upstream_unreachable' });
    } finally {
      await harness.close();
    }
  });

  it('maps the timeout setting firing to a retryable 504', async () => {
    const harness = await startHarness({ timeoutMs: 150 });
    try {
      harness.emulator.enqueue({ latencyMs: 3000 });
      const error = await gatewayFailure(() => harness.provider.chat(chatRequest('Hi.'), callContext()));
      expect(error).toMatchObject({ status: 504, type: 'timeout_error', code: 'upstream_timeout', retryable: true });
    } finally {
      await harness.close();
    }
  });

  it('lets the SDK retry only when maxRetries says so', async () => {
    const harness = await startHarness({ maxRetries: 1 });
    try {
      harness.emulator.enqueue({ error: { status: 529, kind: 'overloaded', retryAfterSeconds: 0 } }, { text: 'second try' });
      const completion = await harness.provider.chat(chatRequest('Hi.'), callContext());
      expect(completion.choices[0].message.content).toBe('second try');
      expect(harness.emulator.requests).toHaveLength(2);
    } finally {
      await harness.close();
    }
  });
});
