import type { AttemptError } from '@switchyard/spec';
import { GatewayError } from '../errors';

/*
 * How the pipeline reads failures: every error becomes a GatewayError (so routers can look at
 * status/retryable), and node params describe which ones a router, retry or breaker acts on.
 */

/** The `fallbackOn` / `retryOn` / `failOn` params. Absent: retryable errors. */
export interface ErrorMatch {
  retryable?: boolean;
  statuses?: number[];
  types?: string[];
  codes?: string[];
}

export type ErrorMatcher = (err: GatewayError) => boolean;

/** The client went away: nothing should retry or move on after this. */
export const CLIENT_CLOSED = 'client_closed';

const matchRetryable: ErrorMatcher = (e) => e.retryable && e.code !== CLIENT_CLOSED;

export function compileErrorMatch(match: ErrorMatch | undefined): ErrorMatcher {
  if (!match) return matchRetryable;
  const statuses = new Set(match.statuses ?? []);
  const types = new Set(match.types ?? []);
  const codes = new Set(match.codes ?? []);
  const retryable = match.retryable === true;
  return (e) =>
    e.code !== CLIENT_CLOSED && ((retryable && e.retryable) || statuses.has(e.status) || types.has(e.type) || (e.code !== null && codes.has(e.code)));
}

const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function systemCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return code;
  }
  return undefined;
}

export function clientClosedError(): GatewayError {
  return new GatewayError({ status: 499, type: 'server_error', message: 'The client closed the request.', code: CLIENT_CLOSED, retryable: false });
}

/** The error to stop with once `signal` has aborted: a timeout's own error, or the client leaving. */
export function abortError(signal: AbortSignal): GatewayError {
  const reason: unknown = signal.reason;
  return reason instanceof GatewayError ? reason : clientClosedError();
}

/** A signal that never aborts, for requests that come without one. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/** Turns anything thrown into a GatewayError that is safe to show a client. */
export function toGatewayError(err: unknown, nodeId?: string): GatewayError {
  if (err instanceof GatewayError) return err;
  if (GatewayError.is(err)) {
    const e = err as GatewayError;
    return new GatewayError({ status: e.status, type: e.type, message: e.message, code: e.code, param: e.param, retryable: e.retryable, retryAfterMs: e.retryAfterMs });
  }
  const code = systemCode(err);
  if (code) {
    return new GatewayError({ status: 502, type: 'upstream_error', message: `Could not reach the upstream (${code}).`, code: 'connection_error', retryable: true, cause: err });
  }
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError') return clientClosedError();
  return new GatewayError({
    status: 500,
    type: 'server_error',
    message: nodeId ? `Pipeline node '${nodeId}' failed.` : 'The pipeline failed.',
    code: 'pipeline_error',
    retryable: false,
    cause: err,
  });
}

export function summarizeError(err: GatewayError): AttemptError {
  return { status: err.status, type: err.type, code: err.code, message: err.message };
}

/** `503 upstream_error (retryable)`: short text for trace notes. */
export function describeError(err: GatewayError): string {
  return `${err.status} ${err.code ?? err.type}${err.retryable ? ' (retryable)' : ''}`;
}

export function timeoutError(what: 'first token' | 'answer', ms: number): GatewayError {
  return new GatewayError({
    status: 504,
    type: 'timeout_error',
    message: `The upstream took longer than ${ms} ms to send the ${what}.`,
    code: what === 'first token' ? 'ttft_timeout' : 'timeout',
    retryable: true,
  });
}

/** What a node's `prepare` throws to refuse one param; becomes a `prepare_failed` issue on that field. */
export class ParamError extends Error {
  override name = 'ParamError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
