import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayError } from '@switchyard/core';
import { sendError } from './errors';

interface Answer {
  status: number;
  message: string;
  code: string;
}

/** Node's parser errors (and its request timeout) by code; anything else is a plain 400. */
const ANSWERS: Record<string, Answer> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'The request headers are too large.', code: 'headers_too_large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, message: 'The chunk extensions of the request body are too large.', code: 'request_too_large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time.', code: 'request_timeout' },
  HPE_INVALID_EOF_STATE: { status: 400, message: 'The request body was not received completely.', code: 'request_aborted' },
};
const INVALID_HTTP: Answer = { status: 400, message: 'The request is not valid HTTP/1.1.', code: 'invalid_http' };

/** The raw bytes of an error answer in the API's shape, closing the connection. */
export function clientErrorResponse(err: NodeJS.ErrnoException): Buffer {
  const { status, message, code } = ANSWERS[err.code ?? ''] ?? INVALID_HTTP;
  const body = JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } });
  return Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Requests node cannot parse (bad framing, invalid header bytes, a body cut short, headers too
 * large) or that ran out of time get the same OpenAI-shaped JSON error as everything else,
 * instead of node's bare `400 Bad Request` with no body. Nothing is written when an answer to
 * that request is already on its way (it would corrupt it) or already given (refused before its
 * body was read, e.g. 401, while node discards the rest of the body); the connection is closed
 * either way.
 */
export function answerClientErrors(server: Server): void {
  const answeredBeforeBody = new WeakSet<Socket>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    answeredBeforeBody.delete(req.socket);
    if (req.complete || (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)) return;
    res.once('finish', () => {
      if (!req.complete) answeredBeforeBody.add(req.socket);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent || answeredBeforeBody.has(socket)) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(err), () => socket.destroy());
    // A peer that reads nothing does not get to keep the connection either.
    setTimeout(() => socket.destroy(), 5000).unref();
  });
  // An Expect header other than 100-continue: node's own answer is a bare 417.
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    sendError(res, new GatewayError({ status: 417, type: 'invalid_request_error', message: "Only 'Expect: 100-continue' is supported.", param: null, code: 'expectation_failed', retryable: false }));
  });
}
