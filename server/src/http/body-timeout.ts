import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { GatewayError } from '@switchyard/core';
import { sendError } from './errors';

export function bodyTimeoutError(): GatewayError {
  return new GatewayError({ status: 408, type: 'invalid_request_error', message: 'The request body stopped arriving before it was complete.', code: 'request_timeout', retryable: false });
}

/**
 * Answers 408 (and closes the connection) when a request body stops arriving: no new byte for
 * `idleMs` while the body is incomplete. Node's requestTimeout bounds a whole request; this
 * catches a stalled body much sooner, whichever code reads it (express.json, the v1 lane).
 *
 * A pause that is the server's own (the handler has not read what arrived yet, e.g. while it
 * authenticates) does not count: only the client's silence does. Once the body is complete the
 * watch ends, so slow upstreams and long streams are never cut by it.
 */
export function withBodyTimeout(listener: RequestListener, idleMs: number): RequestListener {
  if (idleMs <= 0) return listener;
  return (req, res) => {
    if (!req.complete && hasBody(req)) watchBody(req, res, idleMs);
    listener(req, res);
  };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function watchBody(req: IncomingMessage, res: ServerResponse, idleMs: number): void {
  const socket = req.socket;
  let seen = socket.bytesRead;
  let buffered = req.readableLength;
  const timer = setTimeout(() => {
    if (req.complete || res.writableEnded || req.destroyed) return;
    // New bytes, or bytes the handler had not read yet at the last look or now (node stops
    // reading from the socket while they wait): not the client's stall. A whole quiet period
    // must pass after the handler caught up.
    const idle = socket.bytesRead === seen && req.readableLength === 0 && buffered === 0;
    seen = socket.bytesRead;
    buffered = req.readableLength;
    if (!idle) {
      timer.refresh();
      return;
    }
    answerTimeout(res);
  }, idleMs);
  timer.unref();
  const stop = () => clearTimeout(timer);
  req.once('end', stop);
  req.once('close', stop);
  res.once('close', stop);
}

function answerTimeout(res: ServerResponse): void {
  if (res.headersSent) {
    res.socket?.destroy();
    return;
  }
  // Connection: close makes node close the connection once the answer is out, which also ends
  // whatever was still waiting for the body.
  res.setHeader('Connection', 'close');
  sendError(res, bodyTimeoutError());
}
