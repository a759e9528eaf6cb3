import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { withBodyTimeout } from './body-timeout';

const IDLE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const readBody = async (req: IncomingMessage) => {
  let n = 0;
  for await (const chunk of req) n += (chunk as Buffer).length;
  return n;
};

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function serve(listener: RequestListener): Promise<number> {
  server = createServer(withBodyTimeout(listener, IDLE_MS)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** Writes `parts` with `gapMs` between them; resolves with everything the server sent, once it closes. */
async function exchange(port: number, parts: string[], gapMs: number): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d));
  socket.on('error', () => {});
  const closed = once(socket, 'close');
  for (const [i, part] of parts.entries()) {
    if (i > 0) await sleep(gapMs);
    if (socket.destroyed) break;
    socket.write(part);
  }
  await closed;
  return received;
}

const head = (length: number) => `POST /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('the body timeout', () => {
  it('answers 408 in the API error shape and closes when a body stops arriving', async () => {
    const port = await serve(async (req, res) => {
      const n = await readBody(req).catch(() => -1);
      if (!res.headersSent) res.end(`read ${n}`);
    });
    const started = Date.now();
    const answer = await exchange(port, [head(100) + '{"a":'], 0);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: 'request_timeout' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 20);
  });

  it('lets a body that keeps coming, however slowly, finish', async () => {
    const port = await serve(async (req, res) => res.end(`read ${await readBody(req)}`));
    const parts = [head(6), ...'{"a":1'.split('')];
    const answer = await exchange(port, parts, IDLE_MS / 2);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/read 6$/);
  });

  it("does not count the server's own pause (a handler that reads the body late)", async () => {
    const port = await serve(async (req, res) => {
      await sleep(IDLE_MS * 3);
      res.end(`read ${await readBody(req)}`);
    });
    expect(await exchange(port, [head(200_000) + 'x'.repeat(200_000)], 0)).toMatch(/^HTTP\/1\.1 200 [\s\S]*read 200000$/);
  });

  it('ends with the body: a slow answer after it is never cut', async () => {
    const port = await serve(async (req, res) => {
      const n = await readBody(req);
      res.write('first ');
      await sleep(IDLE_MS * 3);
      res.end(`read ${n}`);
    });
    const answer = await exchange(port, [head(2) + '{}'], 0);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/first [\s\S]*read 2/);
  });

  it('leaves requests without a body alone', async () => {
    const port = await serve(async (_req, res) => {
      await sleep(IDLE_MS * 2);
      res.end('ok');
    });
    expect(await exchange(port, ['GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'], 0)).toMatch(/^HTTP\/1\.1 200 [\s\S]*ok$/);
  });
});
