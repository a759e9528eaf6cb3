import { GatewayError } from '@switchyard/core';

/** Connection-level failures: the database is away, not the query wrong. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND',
  // PostgreSQL: admin/crash shutdown, cannot connect now, connection exceptions.
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  'SQLITE_BUSY',
]);

const CONNECTION_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /connection error/i, /knex: timeout acquiring a connection/i, /not queryable/i];

/** Whether an error means the database could not be reached (rather than a bad query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  return typeof e.message === 'string' && CONNECTION_MESSAGES.some((re) => re.test(e.message as string));
}

/** What a client is told while the database is away: retry shortly (503), nothing about its address. */
export function databaseUnavailable(cause?: unknown): GatewayError {
  return new GatewayError({
    status: 503,
    type: 'server_error',
    code: 'database_unavailable',
    message: 'The gateway cannot reach its database right now. Please retry shortly.',
    retryable: true,
    retryAfterMs: 2000,
    cause,
  });
}
