import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { GatewayError, errorFromHttpStatus, parseRetryAfter, type ErrorType } from '@switchyard/plugin-kit';

export const PROVIDER_NAME = 'anthropic';

/** HTTP status for each Anthropic error type; a mid-stream `error` event has a type but no status. */
const STATUS_BY_ANTHROPIC_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Gateway error types that say more than the status alone (errorFromHttpStatus guesses the rest). */
const GATEWAY_TYPE_BY_ANTHROPIC_TYPE: Record<string, ErrorType> = {
  timeout_error: 'timeout_error',
  overloaded_error: 'overloaded_error',
};

export interface ErrorMappingContext {
  /** The credential in use, scrubbed from any text that reaches a message. */
  secret?: string;
}

interface AnthropicErrorBody {
  type?: string;
  error?: { type?: string; message?: unknown };
}

function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

/**
 * What a call rejects with once the caller's signal fired: the caller's own reason (the host
 * may have aborted with a timeout error of its own), never an upstream failure that a
 * pipeline would retry.
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * An Anthropic error body (`{type: 'error', error: {type, message}}`) as a gateway error.
 * `status` is the HTTP status when there was one; a mid-stream `error` event has none, so
 * the error type decides.
 */
export function errorFromAnthropicBody(
  body: unknown,
  options: { status?: number; retryAfterMs?: number; secret?: string; fallbackMessage?: string } = {},
): GatewayError {
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as AnthropicErrorBody;
  const anthropicType = typeof parsed.error?.type === 'string' ? parsed.error.type : undefined;
  const rawMessage = parsed.error?.message;
  const message =
    typeof rawMessage === 'string' && rawMessage !== ''
      ? rawMessage
      : (options.fallbackMessage ?? (options.status ? `upstream answered HTTP ${options.status}` : 'upstream reported an error')) +
        (anthropicType ? ` (${anthropicType})` : '');
  const status = options.status ?? (anthropicType ? STATUS_BY_ANTHROPIC_TYPE[anthropicType] : undefined) ?? 502;
  return errorFromHttpStatus({
    status,
    message: scrub(message, options.secret),
    provider: PROVIDER_NAME,
    retryAfterMs: options.retryAfterMs,
    type: anthropicType ? GATEWAY_TYPE_BY_ANTHROPIC_TYPE[anthropicType] : undefined,
  });
}

function fromApiError(err: APIError, secret: string | undefined): GatewayError {
  // The SDK keeps the parsed body in `error`; its `type` also covers stream error events.
  const body = typeof err.error === 'object' && err.error !== null ? err.error : err.type ? { error: { type: err.type } } : undefined;
  return errorFromAnthropicBody(body, {
    status: err.status,
    retryAfterMs: err.status && err.headers ? parseRetryAfter(err.headers) : undefined,
    secret,
  });
}

/**
 * Turns whatever the SDK (or the network under it) threw into the gateway's error:
 * HTTP failures keep their meaning via errorFromHttpStatus, a timeout is a 504, and a
 * connection that could not be made or broke mid-answer is a retryable 502.
 * Aborts by the caller are not failures of the upstream; see `failureOf`.
 */
export function toGatewayError(err: unknown, ctx: ErrorMappingContext = {}): GatewayError {
  if (GatewayError.is(err)) return err;
  if (err instanceof APIConnectionTimeoutError) {
    return new GatewayError({ status: 504, type: 'timeout_error', message: `${PROVIDER_NAME}: the upstream did not answer in time.`, code: 'upstream_timeout', retryable: true, cause: err });
  }
  if (err instanceof APIConnectionError) {
    return new GatewayError({ status: 502, type: 'upstream_error', message: `${PROVIDER_NAME}: could not reach the upstream (${scrub(err.message, ctx.secret)}).`, code: 'upstream_unreachable', retryable: true, cause: err });
  }
  if (err instanceof APIError && !(err instanceof APIUserAbortError)) return fromApiError(err, ctx.secret);
  // Anything else happened below the SDK's error handling: a socket that closed mid-stream
  // ("terminated"), a truncated or garbled event. The answer is lost; another try may work.
  const detail = err instanceof Error ? err.message : String(err);
  return new GatewayError({ status: 502, type: 'upstream_error', message: `${PROVIDER_NAME}: the upstream connection failed (${scrub(detail, ctx.secret)}).`, code: 'upstream_unreachable', retryable: true, cause: err });
}

/** What a failed call rejects with: the abort reason when the caller left, else the mapped upstream failure. */
export function failureOf(err: unknown, signal: AbortSignal, secret?: string): unknown {
  return signal.aborted ? abortReason(signal) : toGatewayError(err, { secret });
}
