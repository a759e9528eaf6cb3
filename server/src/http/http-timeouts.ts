import type { ServerOptions } from 'node:http';

/**
 * How long a client may take to send a request, so slow clients (slow-loris: headers or a body
 * trickled a byte at a time) cannot hold connections forever. 0 turns a limit off.
 */
export interface HttpTimeouts {
  /** SWITCHYARD_HEADERS_TIMEOUT_MS: all request headers must arrive within this (node's headersTimeout). */
  headersMs: number;
  /** SWITCHYARD_REQUEST_TIMEOUT_MS: the whole request, headers and body, within this (node's requestTimeout). */
  requestMs: number;
  /** SWITCHYARD_BODY_TIMEOUT_MS: the longest pause between two pieces of a request body (see body-timeout.ts). */
  bodyIdleMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 20_000, requestMs: 120_000, bodyIdleMs: 20_000 };

export function readMs(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`${name} must be a whole number of milliseconds (0: no limit), got '${raw}'`);
  return ms;
}

export function readHttpTimeouts(env: NodeJS.ProcessEnv = process.env): HttpTimeouts {
  const t = {
    headersMs: readMs(env, 'SWITCHYARD_HEADERS_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.headersMs),
    requestMs: readMs(env, 'SWITCHYARD_REQUEST_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.requestMs),
    bodyIdleMs: readMs(env, 'SWITCHYARD_BODY_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.bodyIdleMs),
  };
  if (t.headersMs > 0 && t.requestMs > 0 && t.headersMs > t.requestMs) {
    throw new Error(`SWITCHYARD_HEADERS_TIMEOUT_MS (${t.headersMs}) must not be longer than SWITCHYARD_REQUEST_TIMEOUT_MS (${t.requestMs})`);
  }
  return t;
}

/**
 * The node http server options for these timeouts. Node checks them on a timer
 * (connectionsCheckingInterval, 30 s by default, which would let a 20 s limit run to 50 s); it
 * runs here at a tenth of the shorter limit, between 100 ms and 1 s.
 */
export function httpServerOptions(t: HttpTimeouts): ServerOptions {
  const shortest = Math.min(...[t.headersMs, t.requestMs].filter((ms) => ms > 0));
  const interval = Number.isFinite(shortest) ? Math.min(1000, Math.max(100, Math.floor(shortest / 10))) : 1000;
  return { headersTimeout: t.headersMs, requestTimeout: t.requestMs, connectionsCheckingInterval: interval };
}
