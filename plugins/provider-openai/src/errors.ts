import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai/core/error';
import { GatewayError, errorFromHttpStatus, parseRetryAfter } from '@switchyard/plugin-kit';

export interface ErrorContext {
  /** Prefix for messages, e.g. `openai`. */
  provider: string;
  /** The call's signal: when it fired, the failure is the abort, not the upstream's. */
  signal?: AbortSignal;
  /** Credential values to scrub from any message (upstreams sometimes echo keys back). */
  secrets?: string[];
  /** True once stream chunks have been received: a failure then is an interrupted stream. */
  streamStarted?: boolean;
}

/**
 * Turns whatever the OpenAI SDK threw into what the gateway expects: a GatewayError with the
 * right status and retry meaning, or, for an aborted call, the abort itself (`signal.reason`), so
 * the server sees a client abort or its own timeout rather than an upstream failure.
 */
export function toGatewayError(err: unknown, context: ErrorContext): unknown {
  const { provider } = context;
  if (context.signal?.aborted) return context.signal.reason ?? err;
  if (GatewayError.is(err)) return err;
  const scrub = (text: string) => scrubSecrets(text, context.secrets);

  if (err instanceof APIUserAbortError) return err;
  if (err instanceof APIConnectionTimeoutError) {
    return new GatewayError({ status: 504, type: 'timeout_error', code: 'upstream_timeout', message: `${provider}: the upstream did not answer in time`, retryable: true, cause: err });
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new GatewayError({ status: 502, type: 'upstream_error', code: 'upstream_unreachable', message: scrub(`${provider}: could not reach the upstream${cause}`), retryable: true, cause: err });
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const body = err.error as { message?: unknown } | undefined;
    const upstreamMessage = typeof body?.message === 'string' && body.message.length > 0 ? body.message : `HTTP ${err.status}`;
    const authFailure = err.status === 401 || err.status === 403;
    const mapped = errorFromHttpStatus({
      status: err.status,
      provider,
      message: scrub(upstreamMessage),
      // An upstream `invalid_api_key` describes the gateway's credential, not the caller's key.
      code: authFailure ? undefined : meaningfulCode(err.code),
      param: err.param ?? null,
      retryAfterMs: parseRetryAfter(err.headers),
    });
    return withCause(mapped, err);
  }
  if (err instanceof APIError) {
    // An `error` object inside an SSE stream: the upstream gave up mid-answer.
    const body = err.error as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : 'the upstream reported an error in the stream';
    return new GatewayError({ status: 502, type: 'upstream_error', code: meaningfulCode(err.code) ?? 'upstream_stream_error', message: scrub(`${provider}: ${message}`), retryable: true, cause: err });
  }
  if (err instanceof OpenAIError) {
    return new GatewayError({ status: 500, type: 'server_error', code: 'provider_misconfigured', message: scrub(`${provider}: ${err.message}`), retryable: false, cause: err });
  }
  // Anything else is the transport failing: a body cut mid-stream, a socket reset, bad JSON.
  const detail = err instanceof Error ? err.message : String(err);
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: context.streamStarted ? 'upstream_stream_interrupted' : 'upstream_unreachable',
    message: scrub(context.streamStarted ? `${provider}: the upstream stream broke off (${detail})` : `${provider}: the upstream call failed (${detail})`),
    retryable: true,
    cause: err,
  });
}

/** Replaces every occurrence of each secret (6+ characters, to leave short values alone) with `***`. */
export function scrubSecrets(text: string, secrets: string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('***');
  return out;
}

/** Azure puts the HTTP status in `code` ("429"); that says nothing the status does not. */
function meaningfulCode(code: string | null | undefined): string | undefined {
  return typeof code === 'string' && code.length > 0 && !/^\d+$/.test(code) ? code : undefined;
}

function withCause(error: GatewayError, cause: unknown): GatewayError {
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true, writable: true });
  return error;
}
