import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import { errors, GatewayError } from '@switchyard/core';
import type { Logger } from '@switchyard/spec';
import { databaseUnavailable, isDatabaseUnavailable } from '../db/unavailable';
import { RateLimitedLog } from '../usage/rate-limited-log';
import { sendJson } from './v1/v1-call';

/** One line per 10 s while the database is away, not one per request. */
const unavailableLogs = new WeakMap<Logger, RateLimitedLog>();
function unavailableLog(logger: Logger): RateLimitedLog {
  let log = unavailableLogs.get(logger);
  if (!log) unavailableLogs.set(logger, (log = new RateLimitedLog(logger, 'warn')));
  return log;
}

/** Sends an OpenAI-shaped error with its status (and Retry-After when known). */
export function sendError(res: ServerResponse, err: GatewayError): void {
  if (res.headersSent) return;
  if (err.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
  sendJson(res, err.status, err.toBody());
}

/** Answers any failure in the OpenAI shape; unexpected ones (not a GatewayError) are logged, without bodies. */
export function answerError(logger: Logger, res: ServerResponse, err: unknown, where: { requestId?: string; path: string }): void {
  const gw = toGatewayError(err);
  if (gw.code === 'database_unavailable') {
    unavailableLog(logger).log({ err: { message: (err as Error)?.message }, path: where.path }, 'database unreachable: answering 503');
  } else if (gw.status >= 500 && !GatewayError.is(err)) {
    logger.error({ err: { message: (err as Error)?.message, stack: (err as Error)?.stack }, requestId: where.requestId, path: where.path }, 'unhandled error');
  }
  sendError(res, gw);
}

/** A body that is not JSON, worded as OpenAI words it. */
export function invalidJson(): GatewayError {
  return errors.invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)",
    null,
    'invalid_json',
  );
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

/** Maps body-parser failures and anything unexpected to OpenAI-shaped errors. */
export function toGatewayError(err: unknown): GatewayError {
  if (GatewayError.is(err)) return err;
  if (isDatabaseUnavailable(err)) return databaseUnavailable(err);
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.parse.failed':
      return invalidJson();
    case 'entity.too.large':
      return errors.tooLarge(e.limit ? `${e.limit}-byte` : 'configured');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new GatewayError({ status: 415, type: 'invalid_request_error', message: e.message, code: 'unsupported_encoding', retryable: false });
    case 'request.aborted':
      return errors.invalidRequest('The request body was not received completely.', null, 'request_aborted');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new GatewayError({ status: e.status, type: 'invalid_request_error', message: e.message, retryable: false });
  }
  return errors.internal();
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => answerError(logger, res, err, { requestId: res.locals.requestId, path: req.path });
}
