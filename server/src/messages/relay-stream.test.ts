import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorFromHttpStatus } from '@switchyard/core';
import type { ChatCompletionChunk, ChatCompletionRequest } from '@switchyard/spec';
import { AuthChain } from '../auth/auth-chain';
import type { ChatResult } from '../dispatch/dispatcher';
import { combineHooks, type RequestSummary } from '../dispatch/hooks';
import { requestId } from '../http/request-context';
import { messagesRoute } from './handler';

const chunk = (content: string): ChatCompletionChunk => ({ id: 'chatcmpl-t', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] });

/** Reads an SSE response event by event, so a test can react to what has arrived so far. */
async function* sseEvents(res: Response): AsyncGenerator<{ event: string; data: Record<string, unknown> }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(frame)?.[1] ?? '{}';
      yield { event, data: JSON.parse(data) };
    }
  }
}

/**
 * The relay against a scripted dispatcher: keepalive pings while the upstream is quiet, and a
 * failure after the first byte as an `error` event, with the request reported as failed.
 */
describe('relayAnthropicStream', () => {
  let server: Server;
  let url: string;
  const summaries: RequestSummary[] = [];
  let pingSeen: () => void = () => undefined;
  let next: (request: ChatCompletionRequest) => AsyncGenerator<ChatCompletionChunk>;

  beforeAll(async () => {
    const auth = new AuthChain();
    auth.set([{ id: 'test', method: { authenticate: async () => ({ outcome: 'ok', principal: { method: 'test', id: 't', scopes: ['messages'] } }) } }]);
    const dispatcher = {
      async chat(request: ChatCompletionRequest): Promise<ChatResult> {
        const rest = next(request);
        return { kind: 'stream', stream: { first: await rest.next(), rest } };
      },
    };
    const app = express();
    app.use(requestId);
    app.post('/v1/messages', ...messagesRoute({ auth, dispatcher, hooks: combineHooks([{ onRequestEnd: (s) => void summaries.push(s) }]), bodyLimit: '1mb', keepaliveMs: 5 }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/messages`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const open = () =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: JSON.stringify({ model: 'm', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }) });

  it('sends pings while the upstream is quiet', async () => {
    const pinged = new Promise<void>((resolve) => (pingSeen = resolve));
    next = async function* () {
      yield chunk('before');
      // The upstream stays silent until the client has seen a keepalive ping.
      await pinged;
      yield chunk(' after');
    };
    const res = await open();
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const seen: string[] = [];
    let text = '';
    for await (const e of sseEvents(res)) {
      seen.push(e.event);
      if (e.event === 'content_block_delta') text += (e.data.delta as { text: string }).text;
      if (e.event === 'ping' && text === 'before') pingSeen();
    }
    expect(text).toBe('before after');
    // message_start is followed by Anthropic's own ping; the keepalive ones come between deltas.
    const firstDelta = seen.indexOf('content_block_delta');
    expect(seen.slice(firstDelta + 1, seen.lastIndexOf('content_block_delta'))).toContain('ping');
    expect(seen.slice(-2)).toEqual(['message_delta', 'message_stop']);
  });

  it('ends with an error event when the upstream fails after the first byte', async () => {
    next = async function* () {
      yield chunk('partial');
      throw errorFromHttpStatus({ status: 502, provider: 'up', message: 'connection reset' });
    };
    const res = await open();
    const events = [];
    for await (const e of sseEvents(res)) events.push(e);
    const last = events[events.length - 1];
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ type: 'error', error: { type: 'api_error', message: 'up: connection reset' } });
    expect(events.map((e) => e.event)).not.toContain('message_stop');
    const requestIdHeader = res.headers.get('request-id');
    expect(summaries.find((s) => s.requestId === requestIdHeader)).toMatchObject({ endpoint: 'messages', status: 502, stream: true });
  });
});
