import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerClientErrors } from './client-error';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
});

async function start(options: { headersTimeout?: number; requestTimeout?: number } = {}): Promise<number> {
  server = createServer({ ...options, connectionsCheckingInterval: 50 }, (req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  answerClientErrors(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function send(port: number, bytes: string, halfClose = false): Promise<{ status: number; body: unknown; raw: string }> {
  const socket = net.connect(port, '127.0.0.1');
  let raw = '';
  socket.on('data', (d) => (raw += d));
  socket.on('error', () => {});
  socket.write(bytes);
  if (halfClose) socket.end();
  await once(socket, 'close');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]);
  return { status, raw, body: JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) };
}

const shaped = (code: string) => ({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code } });

describe('answers to requests node cannot parse', () => {
  it('bad framing: a JSON 400 instead of a bare one', async () => {
    const port = await start();
    const r = await send(port, 'POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
    expect(r.status).toBe(400);
    expect(r.raw).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n/);
    expect(r.body).toEqual(shaped('invalid_http'));
  });

  it('a body cut short by the client: 400 request_aborted', async () => {
    const port = await start();
    const r = await send(port, 'POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 50\r\n\r\n{"a":', true);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(shaped('request_aborted'));
  });

  it('headers too large: 431', async () => {
    const port = await start();
    const r = await send(port, `GET /x HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(r.status).toBe(431);
    expect(r.body).toEqual(shaped('headers_too_large'));
  });

  it('headers that never finish: 408 once the headers timeout is over', async () => {
    const port = await start({ headersTimeout: 200, requestTimeout: 1000 });
    const r = await send(port, 'GET /x HTTP/1.1\r\nHost: h\r\n');
    expect(r.status).toBe(408);
    expect(r.body).toEqual(shaped('request_timeout'));
  });

  it('writes nothing after an answer that is already out', async () => {
    const port = await start();
    // A complete request, answered, then garbage on the same (keep-alive) connection.
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d));
    socket.write('GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
    await new Promise((r) => setTimeout(r, 100));
    socket.write('\x00\x01garbage\r\n\r\n');
    await once(socket, 'close');
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    // The garbage is a new request on the kept connection: it gets its own JSON 400.
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(2);
    expect(raw).toMatch(/HTTP\/1\.1 400 Bad Request[\s\S]*"code":"invalid_http"/);
  });
});

describe('a request answered before its body was read', () => {
  it('gets that one answer, and no second one when the rest of its body never comes', async () => {
    server = createServer({ headersTimeout: 200, requestTimeout: 400, connectionsCheckingInterval: 50 }, (_req, res) => {
      res.statusCode = 401;
      res.end('{}');
    });
    answerClientErrors(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d));
    socket.on('error', () => {});
    socket.write('POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n{"a":');
    await once(socket, 'close');
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(raw).toMatch(/^HTTP\/1\.1 401 /);
  });
});

describe('an Expect header node does not know', () => {
  it('gets a JSON 417 instead of a bare one', async () => {
    const port = await start();
    const r = await send(port, 'POST /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\n{}');
    expect(r.status).toBe(417);
    expect(r.body).toEqual(shaped('expectation_failed'));
  });
});
