import net from 'node:net';
import type { Framing } from './mutations';

/**
 * A bare HTTP/1.1 client on a TCP socket, for what fetch will not send: lying Content-Length,
 * hand-made chunked framing, invalid bytes, trickled headers and bodies. One request per
 * connection; what the server did with it (answered, reset, closed silently) is seen exactly.
 */

export interface RawRequest {
  method: string;
  path: string;
  /** In order; a name may repeat. Host and Connection are added. */
  headers?: Array<[string, string]>;
  body?: Buffer;
  /** How the body is framed (default: its true Content-Length; none without a body). */
  framing?: Framing;
  /** Chunk sizes for chunked framing (default: one chunk). */
  chunks?: number[];
  /**
   * `close` asks the server to close after its answer, and the exchange waits for that close (so
   * anything sent after the answer is seen); `keep-alive` (the default, as real clients do) ends
   * the exchange at the first complete answer.
   */
  connection?: 'close' | 'keep-alive';
}

export interface RawResponse {
  kind: 'response';
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes the server sent after this response on a connection it was to close (a second answer). */
  trailing: number;
  /** The connection ended with an error after the response was complete (harmless for the client). */
  lateError?: string;
}

export type RawOutcome =
  | RawResponse
  /** An error (ECONNRESET, EPIPE) before a complete response. */
  | { kind: 'reset'; error: string; received: string }
  /** Closed by the server before a complete response (possibly with part of one). */
  | { kind: 'closed'; received: string }
  /** Neither an answer nor a close within the time allowed. */
  | { kind: 'timeout'; received: string };

/** The head and body bytes of a request as `framing` puts them on the wire; `halfClose` when the client must then stop sending. */
export function encodeRequest(host: string, req: RawRequest): { bytes: Buffer; halfClose: boolean } {
  const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${host}`, `Connection: ${req.connection ?? 'keep-alive'}`, ...(req.headers ?? []).map(([k, v]) => `${k}: ${v}`)];
  const body = req.body;
  const framing = req.framing ?? (body ? 'content-length' : undefined);
  let payload: Buffer = Buffer.alloc(0);
  let halfClose = false;
  if (body) {
    switch (framing) {
      case 'content-length':
        lines.push(`Content-Length: ${body.length}`);
        payload = body;
        break;
      case 'short-length':
        lines.push(`Content-Length: ${Math.floor(body.length / 2)}`);
        payload = body;
        break;
      case 'long-length':
        lines.push(`Content-Length: ${body.length + 1 + (body.length % 97)}`);
        payload = body;
        halfClose = true;
        break;
      case 'double-length':
        lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
        payload = body;
        break;
      case 'length-and-chunked':
        lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
        payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
        break;
      case 'bad-chunk-size':
        lines.push('Transfer-Encoding: chunked');
        payload = Buffer.concat([Buffer.from(`${body.length.toString(16)}zz\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
        break;
      case 'chunked': {
        lines.push('Transfer-Encoding: chunked');
        const parts: Buffer[] = [];
        let at = 0;
        for (const size of req.chunks ?? [body.length]) {
          if (size === 0) continue;
          parts.push(Buffer.from(`${size.toString(16)}\r\n`), body.subarray(at, at + size), Buffer.from('\r\n'));
          at += size;
        }
        parts.push(Buffer.from('0\r\n\r\n'));
        payload = Buffer.concat(parts);
        break;
      }
    }
  }
  return { bytes: Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), payload]), halfClose };
}

interface Parsed {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Bytes of `buf` this response took. */
  length: number;
}

/** The first complete HTTP response in `buf` (1xx interim answers skipped), or undefined. `closed`: no more bytes will come. */
export function parseResponse(buf: Buffer, closed: boolean): Parsed | undefined {
  let start = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', start);
    if (end < 0) return undefined;
    const [statusLine, ...headerLines] = buf.subarray(start, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine!);
    if (!m) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine!.slice(0, 80))}`);
    const status = Number(m[1]);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    const bodyStart = end + 4;
    if (status >= 100 && status < 200) {
      start = bodyStart;
      continue;
    }
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      let at = bodyStart;
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', at);
        if (lineEnd < 0) return undefined;
        const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
        if (Number.isNaN(size)) throw new Error('bad chunk size in the response');
        if (size === 0) {
          const trailerEnd = buf.indexOf('\r\n\r\n', lineEnd);
          if (trailerEnd < 0) return undefined;
          return { status, headers, body: Buffer.concat(parts), length: trailerEnd + 4 };
        }
        if (buf.length < lineEnd + 2 + size + 2) return undefined;
        parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (buf.length < bodyStart + length) return undefined;
      return { status, headers, body: buf.subarray(bodyStart, bodyStart + length), length: bodyStart + length };
    }
    // Neither: the body runs to the close (or there is none, for 204/304).
    if (status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), length: bodyStart };
    if (!closed) return undefined;
    return { status, headers, body: buf.subarray(bodyStart), length: buf.length };
  }
}

export interface ExchangeOptions {
  /** Give up (outcome 'timeout') after this long without an answer (default 30 s). */
  timeoutMs?: number;
  /** Wait for the server to close after its answer (default: done at the first complete answer). */
  untilClose?: boolean;
}

/**
 * Connects, lets `write` put bytes on the socket (all at once or trickled; it should stop when
 * the socket is destroyed), and reports what the server did.
 */
export function rawExchange(url: string, write: (socket: net.Socket) => void | Promise<void>, options: ExchangeOptions = {}): Promise<RawOutcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let received = Buffer.alloc(0);
    let error: string | undefined;
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const conclude = (closed: boolean) => {
      let parsed: Parsed | undefined;
      try {
        parsed = parseResponse(received, closed);
      } catch (err) {
        return finish({ kind: 'closed', received: `${(err as Error).message}: ${received.toString('latin1').slice(0, 200)}` });
      }
      if (parsed) {
        return finish({
          kind: 'response',
          status: parsed.status,
          headers: parsed.headers,
          body: parsed.body.toString('utf8'),
          // On a kept-alive connection more bytes can be the answer to what came next (garbage after a short Content-Length).
          trailing: options.untilClose ? received.length - parsed.length : 0,
          ...(error ? { lateError: error } : {}),
        });
      }
      if (!closed) return;
      const text = received.toString('latin1').slice(0, 200);
      finish(error ? { kind: 'reset', error, received: text } : { kind: 'closed', received: text });
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', received: Buffer.concat(chunks).toString('latin1').slice(0, 200) }), options.timeoutMs ?? 30_000);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      received = Buffer.concat(chunks);
      if (!options.untilClose) conclude(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error ??= err.code ?? err.message;
    });
    socket.on('close', () => conclude(true));
    socket.on('connect', () => {
      Promise.resolve(write(socket)).catch((err: Error) => {
        error ??= err.message;
      });
    });
  });
}

/** Sends one whole request (as `encodeRequest` frames it) and reports what the server did. */
export function sendRaw(url: string, req: RawRequest, options: ExchangeOptions = {}): Promise<RawOutcome> {
  const { host } = new URL(url);
  const { bytes, halfClose } = encodeRequest(host, req);
  return rawExchange(
    url,
    (socket) => {
      socket.write(bytes);
      if (halfClose) socket.end();
    },
    { untilClose: req.connection === 'close', ...options },
  );
}
