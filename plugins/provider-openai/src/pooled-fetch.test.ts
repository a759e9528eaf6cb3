import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originAndPath, pooledFetch } from './pooled-fetch';
import { PreparedHeaders, takesPreparedHeaders } from './prepared-headers';

describe('pooledFetch', () => {
  let server: http.Server;
  let base: string;
  let endlessClosed: () => void = () => undefined;
  const seen: Array<{ method?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/empty') return void res.writeHead(204).end();
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
        if (req.url === '/events') {
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
          res.write('data: {"n":1}\n\n');
          return void setTimeout(() => res.end('data: {"n":2}\n\ndata: [DONE]\n\n'), 20);
        }
        if (req.url === '/endless') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const timer = setInterval(() => res.write('data: {}\n\n'), 5);
          return void res.on('close', () => {
            clearInterval(timer);
            endlessClosed();
          });
        }
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' });
        res.end(JSON.stringify({ echo: body }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends a string body with a content length (not chunked) and answers as a Response would', async () => {
    const res = await pooledFetch(`${base}/x`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer k' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('r1');
    expect(res.headers.get('set-cookie')).toContain('a=1');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.ok).toBe(true);
    expect(res.url).toBe(`${base}/x`);
    expect(await res.json()).toEqual({ echo: '{"a":1}' });
    const last = seen.at(-1)!;
    expect(last.headers['content-length']).toBe('7');
    expect(last.headers['transfer-encoding']).toBeUndefined();
    expect(last.headers.authorization).toBe('Bearer k');
  });

  it('sends prepared headers as they are, and leaves them unchanged', async () => {
    expect(takesPreparedHeaders(pooledFetch)).toBe(true);
    const record = Object.freeze({ 'content-type': 'application/json', authorization: 'Bearer p', 'x-stainless-retry-count': '0' });
    const headers = new PreparedHeaders(record);
    for (const body of ['{"n":1}', new Uint8Array([123, 125])]) {
      const res = await pooledFetch(`${base}/x`, { method: 'POST', headers: headers as unknown as HeadersInit, body });
      expect(res.status).toBe(201);
      await res.text();
      expect(seen.at(-1)!.headers).toMatchObject({ authorization: 'Bearer p', 'x-stainless-retry-count': '0' });
    }
    expect(record).toEqual({ 'content-type': 'application/json', authorization: 'Bearer p', 'x-stainless-retry-count': '0' });
  });

  it('reads a JSON answer once, as any Response would', async () => {
    const res = await pooledFetch(`${base}/x`, { method: 'POST', body: 'once' });
    expect(res.bodyUsed).toBe(false);
    expect(await res.text()).toBe('{"echo":"once"}');
    expect(res.bodyUsed).toBe(true);
    await expect(res.json()).rejects.toThrow(TypeError);
  });

  it('streams answers that are not JSON', async () => {
    const res = await pooledFetch(`${base}/slow`, {});
    expect(res).toBeInstanceOf(Response);
    expect(res.body).not.toBeNull();
    expect(await res.text()).toBe('late');
  });

  it('hands SSE answers over as an async-iterable body, chunk by chunk as they arrive', async () => {
    const res = await pooledFetch(`${base}/events`, { method: 'POST', body: '{}' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const body = res.body as unknown as AsyncIterable<Uint8Array>;
    expect(typeof body[Symbol.asyncIterator]).toBe('function');
    const chunks: string[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk).toString());
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.join('')).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');
    expect(res.bodyUsed).toBe(true);
  });

  it('reads an SSE answer whole with text(), once', async () => {
    const res = await pooledFetch(`${base}/events`, {});
    expect(await res.text()).toContain('[DONE]');
    await expect(res.text()).rejects.toThrow(TypeError);
  });

  it('closes the upstream connection when a reader stops early', async () => {
    const closed = new Promise<void>((resolve) => (endlessClosed = resolve));
    const res = await pooledFetch(`${base}/endless`, {});
    for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) break;
    // The server sees its endless answer's connection go away.
    await closed;
  });

  it('takes Headers objects and answers 204 with no body', async () => {
    const res = await pooledFetch(`${base}/empty`, { method: 'DELETE', headers: new Headers({ 'x-a': 'b' }) });
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect(await res.text()).toBe('');
    expect(seen.at(-1)!.headers['x-a']).toBe('b');
  });

  it('rejects with an AbortError when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = pooledFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('falls back to fetch for stream bodies', async () => {
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('streamed')), c.close()) });
    const res = await pooledFetch(`${base}/x`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await res.json()).toEqual({ echo: 'streamed' });
  });

  it('gives fetch the record of prepared headers when it falls back', async () => {
    const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('s')), c.close()) });
    const headers = new PreparedHeaders({ authorization: 'Bearer fallback' });
    await (await pooledFetch(`${base}/x`, { method: 'POST', body, duplex: 'half', headers } as unknown as RequestInit)).text();
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer fallback');
  });
});

describe('originAndPath', () => {
  it('splits plain URLs as URL would', () => {
    const urls = [
      'http://127.0.0.1:4010/v1/chat/completions',
      'https://api.openai.com/v1/models/gpt-4o-mini',
      'https://my-res.openai.azure.com/openai/deployments/gpt4/chat/completions?api-version=2024-10-21',
      'http://[::1]:8080/v1/embeddings',
      'http://localhost:11434',
      // not plain: these go through URL
      'HTTP://Example.COM/v1/x',
      'http://user:pw@host/v1/x',
      'http://host/v1/x#frag',
      'http://host/v1/ü x',
    ];
    for (const url of urls) {
      const parsed = new URL(url);
      expect(originAndPath(url)).toEqual({ origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` });
    }
  });
});
