import { GatewayError, errorFromHttpStatus, parseRetryAfter } from '@switchyard/plugin-kit';
import { PROVIDER_ID } from './manifest';

/**
 * Turns whatever the AWS SDK throws (modeled exceptions, front-door auth errors, socket
 * failures, in-stream exception events) into the gateway's error, with the status and
 * retry meaning a router needs. Credential secrets are scrubbed from every message.
 */

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  originalStatusCode?: number;
}

/** Errors from AWS's authentication layer rather than from Bedrock itself. */
const AUTH_FAILURES = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'SignatureDoesNotMatch',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'MissingAuthenticationTokenException',
  'AccessDeniedException',
]);

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

export interface ErrorScrub {
  /** Values that must never appear in a message (the credential's secret parts). */
  secrets: string[];
}

export function toGatewayError(raw: unknown, scrub: ErrorScrub, signal?: AbortSignal): unknown {
  // An abort we caused ourselves (client left, deadline) is not an upstream failure: rethrow it as is.
  if (signal?.aborted) return signal.reason ?? raw;
  if (GatewayError.is(raw)) return raw;
  const err = (raw ?? {}) as SdkErrorLike;
  const name = err.name ?? 'Error';
  const message = clean(err.message ?? String(raw), scrub);
  const status = err.$metadata?.httpStatusCode;
  const retryAfterMs = retryAfterOf(err);

  switch (name) {
    case 'ThrottlingException':
      return errorFromHttpStatus({ status: 429, provider: PROVIDER_ID, message, code: 'rate_limit_exceeded', retryAfterMs });
    case 'ServiceQuotaExceededException':
      // A quota (tokens per minute/day) rather than a burst limit; another credential or later attempt may pass.
      return errorFromHttpStatus({ status: 429, provider: PROVIDER_ID, message, code: 'quota_exceeded', retryAfterMs });
    case 'ModelNotReadyException':
      return errorFromHttpStatus({ status: 503, provider: PROVIDER_ID, message, type: 'overloaded_error', code: 'model_not_ready', retryAfterMs });
    case 'ServiceUnavailableException':
      return errorFromHttpStatus({ status: 503, provider: PROVIDER_ID, message, type: 'overloaded_error', code: 'service_unavailable', retryAfterMs });
    case 'ModelTimeoutException':
      return errorFromHttpStatus({ status: 408, provider: PROVIDER_ID, message, code: 'model_timeout' });
    case 'ValidationException':
      return errorFromHttpStatus({ status: 400, provider: PROVIDER_ID, message, code: 'invalid_request' });
    case 'ResourceNotFoundException':
      return errorFromHttpStatus({ status: 404, provider: PROVIDER_ID, message, param: 'model', code: 'model_not_found' });
    case 'ConflictException':
      return errorFromHttpStatus({ status: 409, provider: PROVIDER_ID, message, code: 'conflict' });
    case 'InternalServerException':
      return errorFromHttpStatus({ status: 500, provider: PROVIDER_ID, message, code: 'upstream_server_error' });
    case 'ModelErrorException':
    case 'ModelStreamErrorException':
      // The model itself failed (424 on the wire): the request may succeed on another attempt or target.
      return new GatewayError({ status: 502, type: 'upstream_error', code: 'model_error', message: `${PROVIDER_ID}: ${message}`, retryable: true });
  }
  if (AUTH_FAILURES.has(name)) {
    return errorFromHttpStatus({ status: 403, provider: PROVIDER_ID, message: `${name}: ${firstParagraph(message)}` });
  }
  if (typeof status === 'number' && status >= 400) {
    return errorFromHttpStatus({ status, provider: PROVIDER_ID, message: `${name}: ${message}`, retryAfterMs });
  }
  if (isConnectionFailure(err)) {
    // Checked before timeouts: the SDK's HTTP handler renames ECONNRESET and EPIPE to TimeoutError.
    return new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_unreachable', message: `${PROVIDER_ID}: could not reach the upstream or lost the connection (${err.code ?? name}).`, retryable: true });
  }
  if (name === 'TimeoutError' || err.code === 'ETIMEDOUT') {
    return new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_timeout', message: `${PROVIDER_ID}: the upstream did not answer in time.`, retryable: true });
  }
  return new GatewayError({ status: 502, type: 'upstream_error', code: 'provider_error', message: `${PROVIDER_ID}: ${message}`, retryable: true });
}

function isConnectionFailure(err: SdkErrorLike): boolean {
  if (err.code && CONNECTION_CODES.has(err.code)) return true;
  const cause = (err as { cause?: SdkErrorLike }).cause;
  if (cause?.code && CONNECTION_CODES.has(cause.code)) return true;
  // Socket closed in the middle of a response (e.g. a stream cut): node says "aborted" or
  // "socket hang up"; the event-stream decoder says the message was truncated.
  return /socket hang up|^aborted$|premature close|truncated event message/i.test(err.message ?? '');
}

function retryAfterOf(err: SdkErrorLike): number | undefined {
  const headers = err.$response?.headers;
  if (!headers) return undefined;
  return parseRetryAfter({ get: (name: string) => headers[name] ?? headers[name.toLowerCase()] ?? null });
}

// Signature errors carry AWS's canonical request; clients only need the first sentence.
function firstParagraph(message: string): string {
  return message.split('\n\n')[0];
}

function clean(message: string, scrub: ErrorScrub): string {
  let out = message;
  for (const secret of scrub.secrets) if (secret && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}
