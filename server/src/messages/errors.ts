import type { ErrorRequestHandler, Response } from 'express';
import { GatewayError } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';
import { toGatewayError } from '../http/errors';
import { sendJson } from '../http/v1/v1-call';
import type { AnthropicErrorBody, AnthropicErrorType } from './types';

export interface AnthropicError {
  status: number;
  body: AnthropicErrorBody;
  retryAfterMs?: number;
}

/**
 * A gateway failure as Anthropic reports failures: its status set (400, 401, 402, 403, 404,
 * 413, 429, 500, 504, 529) and error types. Conflicts and other 4xx read as invalid requests;
 * an overloaded or unavailable upstream (503, 529, or type overloaded_error) as 529 overloaded,
 * which Anthropic clients know to retry; timeouts as 504; anything else server-side as 500.
 */
export function toAnthropicError(err: unknown, requestId: string | null = null): AnthropicError {
  const gw = GatewayError.is(err) ? err : toGatewayError(err);
  const [status, type] = statusAndType(gw);
  return {
    status,
    body: { type: 'error', error: { type, message: gw.message }, request_id: requestId },
    ...(gw.retryAfterMs !== undefined ? { retryAfterMs: gw.retryAfterMs } : {}),
  };
}

function statusAndType(gw: GatewayError): [number, AnthropicErrorType] {
  if (gw.type === 'overloaded_error') return [529, 'overloaded_error'];
  switch (gw.status) {
    case 401:
      return [401, 'authentication_error'];
    case 402:
      return [402, 'billing_error'];
    case 403:
      return [403, 'permission_error'];
    case 404:
      return [404, 'not_found_error'];
    case 413:
      return [413, 'request_too_large'];
    case 429:
      return [429, 'rate_limit_error'];
    case 408:
    case 504:
      return [504, 'timeout_error'];
    case 503:
    case 529:
      return [529, 'overloaded_error'];
  }
  if (gw.status >= 400 && gw.status < 500) return [400, 'invalid_request_error'];
  return [500, 'api_error'];
}

/** Sends an Anthropic-shaped error (with Retry-After when known), unless the response has begun. */
export function sendAnthropicError(res: Response, err: unknown): void {
  if (res.headersSent) return;
  const out = toAnthropicError(err, res.locals.requestId ?? null);
  if (out.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(out.retryAfterMs / 1000))));
  sendJson(res, out.status, out.body);
}

/**
 * The error handler of the /v1/messages route: authentication, body parsing, validation and
 * upstream failures all reach Anthropic clients in Anthropic's error shape. Errors that are not
 * the gateway's own are logged (the client only sees a generic 500), as the app's handler does.
 */
export function anthropicErrorHandler(logger?: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const unexpected = !GatewayError.is(err) && toGatewayError(err).status >= 500;
    if (unexpected) logger?.error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack }, requestId: res.locals.requestId, path: req.path }, 'unhandled error');
    sendAnthropicError(res, err);
  };
}
