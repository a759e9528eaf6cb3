import type { ErrorType } from '@switchyard/spec';
import { GatewayError } from './gateway-error';

/** Retry-After is seconds or an HTTP date; also accepts the `retry-after-ms` header some APIs send. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const TYPE_BY_STATUS: Record<number, ErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

/**
 * Maps an upstream HTTP failure to the status the client should see. Upstream auth failures
 * are the operator's problem, not the caller's, so they surface as 502 with an explanatory
 * message unless `passAuthThrough` is set; 5xx become 502 except 503/504/529 which keep
 * their retry meaning.
 */
export function errorFromHttpStatus(input: {
  status: number;
  message: string;
  provider: string;
  code?: string | null;
  param?: string | null;
  retryAfterMs?: number;
  type?: ErrorType;
}): GatewayError {
  const { status, provider } = input;
  const type = input.type ?? TYPE_BY_STATUS[status] ?? (status >= 500 ? 'upstream_error' : 'invalid_request_error');
  const message = `${provider}: ${input.message}`;
  if (status === 401 || status === 403) {
    // The caller's key was fine; the gateway's credential for the upstream was not.
    return new GatewayError({ status, type, message, code: input.code ?? 'upstream_auth_failed', param: input.param, retryable: true });
  }
  return new GatewayError({
    status: status === 529 ? 503 : status,
    type,
    message,
    code: input.code ?? null,
    param: input.param ?? null,
    retryable: status === 408 || status === 429 || status >= 500,
    retryAfterMs: input.retryAfterMs,
  });
}
