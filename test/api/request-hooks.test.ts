import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { errors, type GatewayError } from '@switchyard/core';
import type { AttemptRecord, AttemptStart, RequestSummary } from '../../server/src/dispatch/hooks';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';

/** The request path's hooks: what billing and usage recording see, attempt by attempt. */
describe('request hooks', () => {
  let gw: TestGateway;
  let client: OpenAI;
  const summaries: RequestSummary[] = [];
  const befores: AttemptStart[] = [];
  const afters: Array<{ token: unknown; record: AttemptRecord; error?: GatewayError }> = [];
  let refuse = false;

  const waitForSummaries = async (n: number) => {
    for (let i = 0; i < 300 && summaries.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(summaries).toHaveLength(n);
  };

  beforeAll(async () => {
    gw = await startTestGateway({
      config: {
        providers: [
          { id: 'mock', plugin: 'mock', settings: {} },
          { id: 'slow', plugin: 'mock', settings: { chunkDelayMs: 40 } },
          { id: 'down', plugin: 'mock', settings: { failures: [{ status: 500 }] } },
        ],
        models: [
          { id: 'mock-chat', provider: 'mock' },
          { id: 'mock-embed', provider: 'mock' },
          { id: 'slow-chat', provider: 'slow' },
          { id: 'down-chat', provider: 'down' },
        ],
        pipelines: [],
      },
      hooks: [
        {
          beforeAttempt(start) {
            befores.push(start);
            if (refuse) throw errors.invalidRequest('refused by test hook', null, 'test_refusal');
            return `token-${start.attempt}`;
          },
          afterAttempt(_start, token, record, error) {
            afters.push({ token, record: { ...record }, error });
          },
          onRequestEnd(summary) {
            summaries.push(summary);
          },
        },
      ],
    });
    client = new OpenAI({ apiKey: TEST_ADMIN_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => gw?.stop());
  beforeEach(() => {
    summaries.length = 0;
    befores.length = 0;
    afters.length = 0;
    refuse = false;
  });

  it('reports a JSON chat with one settled attempt and its usage', async () => {
    await client.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'count these words' }] });
    await waitForSummaries(1);
    const s = summaries[0];
    expect(s).toMatchObject({ endpoint: 'chat', stream: false, requestedModel: 'mock-chat', status: 200, cacheHit: false });
    expect(s.principal?.method).toBe('admin-key');
    expect(s.final).toMatchObject({ providerId: 'mock', upstreamModel: 'mock-chat', status: 200, usage: { completion_tokens: 3 } });
    expect(afters).toEqual([{ token: 'token-1', record: expect.objectContaining({ status: 200 }), error: undefined }]);
  });

  it('settles a completed stream with the upstream usage', async () => {
    const stream = await client.chat.completions.create({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'a b c' }] });
    for await (const _ of stream);
    await waitForSummaries(1);
    expect(summaries[0]).toMatchObject({ stream: true, status: 200, final: { usage: { completion_tokens: 3 }, cut: false } });
    expect(summaries[0].ttftMs).toBeGreaterThan(0);
  });

  it('settles a stream the client abandons, with the delivered text to count', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'slow-chat', stream: true, messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }] },
      { signal: controller.signal },
    );
    let seen = 0;
    try {
      for await (const c of stream) {
        if (c.choices[0]?.delta.content) seen++;
        if (seen === 2) controller.abort();
      }
    } catch {
      // the abort surfaces as an error in the client
    }
    await waitForSummaries(1);
    const s = summaries[0];
    expect(s.status).toBe(499);
    expect(s.attempts).toHaveLength(1);
    expect(s.attempts[0]).toMatchObject({ cut: true });
    expect(s.attempts[0].usage).toBeUndefined();
    expect(s.attempts[0].deliveredText).toMatch(/^one two/);
    expect(s.attempts[0].deliveredText!.length).toBeLessThan('one two three four five six seven eight nine ten'.length);
  });

  it('reports a failed attempt with the error, and the request with its status', async () => {
    await client.chat.completions.create({ model: 'down-chat', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    await waitForSummaries(1);
    expect(summaries[0]).toMatchObject({ status: 500, errorType: 'upstream_error', final: undefined });
    expect(afters[0].error?.status).toBe(500);
  });

  it('lets beforeAttempt refuse before any upstream call', async () => {
    refuse = true;
    const err = await client.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.code).toBe('test_refusal');
    await waitForSummaries(1);
    expect(summaries[0].attempts).toHaveLength(0);
    expect(afters).toHaveLength(0);
  });

  it('does not report requests refused as bad input', async () => {
    await client.chat.completions.create({ model: 'mock-chat', messages: [] }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(summaries).toHaveLength(0);
    expect(befores).toHaveLength(0);
  });

  it('reports embeddings with their token usage', async () => {
    await client.embeddings.create({ model: 'mock-embed', input: 'three small words' });
    await waitForSummaries(1);
    expect(summaries[0]).toMatchObject({ endpoint: 'embeddings', final: { usage: { prompt_tokens: 3 } } });
  });
});
