/** The OpenAI error envelope. Every failure a client sees has this shape. */
export interface ErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

/** OpenAI's error `type` values, plus the gateway's own for upstream failures. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'server_error'
  | 'upstream_error'
  | 'timeout_error'
  | 'overloaded_error';

/**
 * A failure described in enough detail for the router to decide what to do next
 * (retry, move to the next target, or give up) and for the server to answer the client.
 */
export interface GatewayErrorInfo {
  status: number;
  type: ErrorType;
  message: string;
  code?: string | null;
  param?: string | null;
  /** True when another attempt (same or another target) might succeed. */
  retryable: boolean;
  /** From the upstream's Retry-After (or equivalent) when it gave one. */
  retryAfterMs?: number;
}
