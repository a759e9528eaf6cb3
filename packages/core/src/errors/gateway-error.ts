import type { ErrorBody, ErrorType, GatewayErrorInfo } from '@switchyard/spec';

/**
 * The one error type that crosses module boundaries: providers throw it, routers read
 * `retryable`/`retryAfterMs`, and the server turns it into an OpenAI-shaped response.
 * Messages must never contain secrets; upstream text is passed through `redactSecrets`.
 */
export class GatewayError extends Error implements GatewayErrorInfo {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(info: Omit<GatewayErrorInfo, 'retryable'> & { retryable?: boolean; cause?: unknown }) {
    super(redactSecrets(info.message), info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'GatewayError';
    this.status = info.status;
    this.type = info.type;
    this.code = info.code ?? null;
    this.param = info.param ?? null;
    this.retryable = info.retryable ?? isRetryableStatus(info.status);
    if (info.retryAfterMs !== undefined) this.retryAfterMs = info.retryAfterMs;
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  static is(err: unknown): err is GatewayError {
    return err instanceof GatewayError || (typeof err === 'object' && err !== null && (err as Error).name === 'GatewayError' && typeof (err as GatewayError).status === 'number');
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/** Shorthands for the errors the gateway itself raises. */
export const errors = {
  invalidRequest: (message: string, param: string | null = null, code: string | null = null) =>
    new GatewayError({ status: 400, type: 'invalid_request_error', message, param, code, retryable: false }),
  unauthorized: (message = 'Incorrect API key provided.', code: string | null = 'invalid_api_key') =>
    new GatewayError({ status: 401, type: 'authentication_error', message, code, retryable: false }),
  forbidden: (message: string, code: string | null = null) =>
    new GatewayError({ status: 403, type: 'permission_error', message, code, retryable: false }),
  notFound: (message: string, param: string | null = null, code: string | null = null) =>
    new GatewayError({ status: 404, type: 'invalid_request_error', message, param, code, retryable: false }),
  modelNotFound: (model: string) =>
    new GatewayError({
      status: 404,
      type: 'invalid_request_error',
      message: `The model '${model}' does not exist or you do not have access to it.`,
      param: 'model',
      code: 'model_not_found',
      retryable: false,
    }),
  conflict: (message: string, param: string | null = null, code: string | null = 'already_exists') =>
    new GatewayError({ status: 409, type: 'invalid_request_error', message, param, code, retryable: false }),
  tooLarge: (limit: string) =>
    new GatewayError({ status: 413, type: 'invalid_request_error', message: `Request body exceeds the ${limit} limit.`, code: 'request_too_large', retryable: false }),
  rateLimited: (message: string, retryAfterMs?: number, code: string | null = 'rate_limit_exceeded') =>
    new GatewayError({ status: 429, type: 'rate_limit_error', message, code, retryable: true, retryAfterMs }),
  internal: (message = 'The server had an error while processing your request.') =>
    new GatewayError({ status: 500, type: 'server_error', message, retryable: false }),
  unsupported: (message: string, param: string | null = null) =>
    new GatewayError({ status: 400, type: 'invalid_request_error', message, param, code: 'unsupported_parameter', retryable: false }),
};

// Patterns of credentials that upstream error text sometimes echoes back.
const SECRET_PATTERNS: RegExp[] = [
  /\b(sk|pk|rk)-[A-Za-z0-9_\-]{8,}/g, // OpenAI / Anthropic style keys
  /\bsy-[A-Za-z0-9_\-]{8,}/g, // Switchyard API keys
  /\bAKIA[0-9A-Z]{12,}/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_\-]{20,}/g, // Google API keys
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+\/=\-]{8,}/gi,
];

/** Masks anything that looks like a credential in a message meant for clients or logs. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const re of SECRET_PATTERNS) out = out.replace(re, (m) => `${m.slice(0, 3)}***`);
  return out;
}
