import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOpenAIClient, sdkOptions } from './client';
import { PreparedHeaders } from './prepared-headers';
import { withReusedHeaders } from './reused-headers';
import type { OpenAIConnection } from './settings';

type RequestOptions = Parameters<OpenAI['buildRequest']>[0];
type Built = Awaited<ReturnType<OpenAI['buildRequest']>>;

const base: OpenAIConnection = { baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 30_000, maxRetries: 2 };
const connections: Array<[string, OpenAIConnection, string | undefined]> = [
  ['a key', base, 'sk-test-1'],
  ['no key (Authorization left out)', base, undefined],
  ['organization, project and extra headers', { ...base, organization: 'org-1', project: 'proj-1', headers: { 'X-Tenant': 't1', 'api-key': 'k' } }, 'sk-test-2'],
  ['a base URL with a path and a query-free deployment prefix', { ...base, baseUrl: 'https://example.test/openai/deployments/d1' }, 'sk-test-3'],
];

function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else if (headers instanceof PreparedHeaders) Object.assign(out, headers.record);
  else Object.assign(out, headers as Record<string, string>);
  return out;
}

/** What fetch is given: the same whichever path built it. */
function sent(built: Built) {
  const { headers, ...rest } = built.req;
  return { url: built.url, timeout: built.timeout, headers: headerRecord(headers), ...rest };
}

/** The SDK's own buildRequest, bypassing the subclass's. */
const sdkBuild = (client: OpenAI, options: RequestOptions, retryCount: number) => OpenAI.prototype.buildRequest.call(client, options, { retryCount });

const chatCall = (signal?: AbortSignal): RequestOptions => ({
  method: 'post',
  path: '/chat/completions',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi "there" \u00e9' }], tools: [{ type: 'function', function: { name: 'f' } }] },
  stream: false,
  ...(signal && { signal }),
});

afterEach(() => vi.restoreAllMocks());

describe('a client that reuses each kind of call\'s headers', () => {
  it.each(connections)('builds the request the SDK builds: %s', async (_name, connection, apiKey) => {
    const client = await createOpenAIClient(connection, apiKey);
    const signal = new AbortController().signal;
    for (const retryCount of [0, 2, 0]) {
      for (const options of [chatCall(signal), chatCall(), { method: 'post' as const, path: '/embeddings', body: { model: 'e', input: ['a', 'b'] } }]) {
        const ours = await client.buildRequest(options, { retryCount });
        expect(ours.req.headers).toBeInstanceOf(PreparedHeaders);
        expect(sent(ours)).toEqual(sent(await sdkBuild(client, options, retryCount)));
      }
    }
  });

  it('sends the official client\'s User-Agent', async () => {
    const client = await createOpenAIClient(base, 'sk-ua');
    const official = new OpenAI(await sdkOptions(base, 'sk-ua'));
    const ours = headerRecord((await client.buildRequest(chatCall())).req.headers);
    expect(ours['user-agent']).toBe(headerRecord((await official.buildRequest(chatCall())).req.headers)['user-agent']);
    expect(ours['user-agent']).toMatch(/^OpenAI\/JS /);
  });

  it('asks the SDK once per kind of call, then reuses what it built', async () => {
    const client = await createOpenAIClient(base, 'sk-once');
    const spy = vi.spyOn(OpenAI.prototype, 'buildRequest');
    for (let i = 0; i < 3; i++) await client.buildRequest(chatCall(), { retryCount: i });
    expect(spy).toHaveBeenCalledTimes(1);
    await client.buildRequest({ method: 'post', path: '/embeddings', body: { input: 'x' } });
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('leaves calls with per-call headers, a query, a timeout or a non-JSON body to the SDK', async () => {
    const client = await createOpenAIClient(base, 'sk-other');
    const others: RequestOptions[] = [
      { ...chatCall(), headers: { 'X-Extra': '1' } },
      { ...chatCall(), query: { 'api-version': '1' } },
      { ...chatCall(), timeout: 5_000 },
      { ...chatCall(), idempotencyKey: 'k1' },
      { method: 'post', path: '/files', body: new URLSearchParams({ a: '1' }) },
      { method: 'get', path: '/models' },
    ];
    for (const options of others) {
      const ours = await client.buildRequest(options);
      expect(ours.req.headers).toBeInstanceOf(Headers);
      expect(sent(ours)).toEqual(sent(await sdkBuild(client, options, 0)));
    }
  });

  it('hands the pooled fetch headers the SDK\'s log formatter does not copy, one set per retry count', async () => {
    const client = await createOpenAIClient(base, 'sk-log');
    const first = (await client.buildRequest(chatCall(), { retryCount: 0 })).req.headers;
    // What the SDK's log formatter copies of an object that is not a Headers: its own entries.
    expect(Object.entries(first)).toEqual([]);
    expect((await client.buildRequest(chatCall(), { retryCount: 0 })).req.headers).toBe(first);
    const retried = (await client.buildRequest(chatCall(), { retryCount: 1 })).req.headers;
    expect(retried).not.toBe(first);
    expect(headerRecord(retried)['x-stainless-retry-count']).toBe('1');
    expect(headerRecord(first)['x-stainless-retry-count']).toBe('0');
  });

  it('gives any other fetch a plain record of the headers', async () => {
    const Client = withReusedHeaders(OpenAI);
    const client = new Client({ ...(await sdkOptions(base, 'sk-plain')), fetch: (input, init) => fetch(input, init) });
    const ours = await client.buildRequest(chatCall(), { retryCount: 1 });
    expect(ours.req.headers).not.toBeInstanceOf(PreparedHeaders);
    expect(ours.req.headers).not.toBeInstanceOf(Headers);
    expect(sent(ours)).toEqual(sent(await sdkBuild(client, chatCall(), 1)));
  });

  it('leaves every call to the SDK when the client has fetch options of its own', async () => {
    const Client = withReusedHeaders(OpenAI);
    const client = new Client({ ...(await sdkOptions(base, 'sk-fetch')), fetchOptions: { keepalive: true } });
    const ours = await client.buildRequest(chatCall());
    expect(ours.req.headers).toBeInstanceOf(Headers);
    expect(ours.req).toMatchObject({ keepalive: true });
  });
});
