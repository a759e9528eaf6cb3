import { GatewayError, errorFromHttpStatus } from '@switchyard/plugin-kit';

export const PROVIDER_NAME = 'gemini';

/** Google's error envelope: `{error: {code, message, status, details}}` (google.rpc.Status). */
export interface GoogleErrorBody {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { '@type'?: string; reason?: string; retryDelay?: string; [key: string]: unknown }[];
  };
}

/** Canonical google.rpc codes to HTTP, for error events that arrive without an HTTP status. */
const STATUS_BY_GOOGLE_CODE: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export interface ErrorMappingContext {
  /** The credential in use, scrubbed from any text that reaches a message. */
  secret?: string;
}

/**
 * Removes secrets from upstream text: the credential itself, and the `key=` parameter of any URL
 * (Gemini accepts the API key as a query parameter, and error text may quote a request URL).
 */
export function scrub(text: string, secret?: string): string {
  let out = text.replace(/([?&](?:key|api_key|apiKey)=)[^&\s"'<>]*/gi, '$1***');
  if (secret && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

/** google.rpc.RetryInfo's retryDelay is a protobuf Duration in JSON: seconds with an `s`, e.g. "34.4s". */
export function parseRetryDelay(delay: unknown): number | undefined {
  if (typeof delay !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

export function retryAfterFromBody(body: GoogleErrorBody): number | undefined {
  for (const detail of body.error?.details ?? []) {
    if (detail?.['@type']?.endsWith('google.rpc.RetryInfo')) return parseRetryDelay(detail.retryDelay);
  }
  return undefined;
}

/**
 * Google answers a wrong or expired API key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID),
 * not 401; for the gateway that is an upstream credential failure, like a 401.
 */
function isInvalidApiKey(body: GoogleErrorBody): boolean {
  return (body.error?.details ?? []).some((d) => d?.reason === 'API_KEY_INVALID') || /API key (not valid|expired)/i.test(body.error?.message ?? '');
}

/** Maps a Google error body (from an HTTP response or a stream event) to a GatewayError. */
export function fromGoogleError(httpStatus: number | undefined, body: GoogleErrorBody, secret?: string): GatewayError {
  const googleStatus = body.error?.status;
  let status = httpStatus ?? body.error?.code ?? (googleStatus ? STATUS_BY_GOOGLE_CODE[googleStatus] : undefined) ?? 502;
  if (status === 400 && isInvalidApiKey(body)) status = 401;
  const message = body.error?.message ? scrub(body.error.message, secret) : `upstream answered HTTP ${status}${googleStatus ? ` (${googleStatus})` : ''}`;
  const auth = status === 401 || status === 403;
  return errorFromHttpStatus({
    status,
    provider: PROVIDER_NAME,
    message,
    // Auth failures get errorFromHttpStatus's own code (upstream_auth_failed).
    code: auth ? undefined : googleStatus ? googleStatus.toLowerCase() : undefined,
    retryAfterMs: retryAfterFromBody(body),
  });
}

/** The SDK's ApiError: `status` plus a message holding the JSON error body (sometimes after a prefix). */
function isApiError(err: unknown): err is Error & { status: number } {
  return err instanceof Error && err.name === 'ApiError' && typeof (err as { status?: unknown }).status === 'number';
}

function bodyFromMessage(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    return typeof parsed === 'object' && parsed !== null ? (parsed as GoogleErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** A low-level network error code (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET...) from the error or its causes. */
function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Turns whatever the SDK (or the network under it) threw into the gateway's error: Google
 * error bodies keep their meaning (status, RetryInfo), a timeout is a 504, and a connection
 * that could not be made or broke mid-answer is a retryable 502. Messages never carry the key.
 */
export function toGatewayError(err: unknown, ctx: ErrorMappingContext = {}): GatewayError {
  if (GatewayError.is(err)) return err;
  if (isApiError(err)) {
    const body = bodyFromMessage(err.message);
    if (body?.error) return fromGoogleError(err.status, body, ctx.secret);
    return fromGoogleError(err.status, { error: { message: scrub(err.message, ctx.secret).slice(0, 500) } }, ctx.secret);
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    // Callers handle their own aborts first (see failure()), so this is the per-request timeout (timeoutMs).
    return new GatewayError({ status: 504, type: 'timeout_error', message: `${PROVIDER_NAME}: the upstream did not answer in time.`, code: 'upstream_timeout', retryable: true });
  }
  const code = networkCode(err);
  if (code) {
    return new GatewayError({ status: 502, type: 'upstream_error', message: `${PROVIDER_NAME}: could not reach the upstream or the connection broke (${code}).`, code: 'upstream_unreachable', retryable: true });
  }
  // Anything else happened below the SDK's error handling: a socket closed mid-stream
  // ("terminated"), a truncated or garbled event. The answer is lost; another try may work.
  const detail = err instanceof Error ? err.message : String(err);
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    message: `${PROVIDER_NAME}: the upstream connection failed (${scrub(detail, ctx.secret).slice(0, 300)}).`,
    code: 'upstream_unreachable',
    retryable: true,
  });
}

/**
 * What a failed call rejects with. An abort is the caller leaving, not an upstream failure: the
 * call ends with the abort itself (the signal's reason), which no router mistakes for a retryable
 * upstream error. Everything else becomes a GatewayError.
 */
export function failure(err: unknown, signal: AbortSignal, secret?: string): unknown {
  if (signal.aborted) return signal.reason ?? err;
  return toGatewayError(err, { secret });
}
