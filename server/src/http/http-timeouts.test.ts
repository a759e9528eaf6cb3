import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_TIMEOUTS, httpServerOptions, readHttpTimeouts } from './http-timeouts';

describe('HTTP timeouts', () => {
  it('defaults, and reads each from the environment', () => {
    expect(readHttpTimeouts({})).toEqual(DEFAULT_HTTP_TIMEOUTS);
    expect(readHttpTimeouts({ SWITCHYARD_HEADERS_TIMEOUT_MS: '5000', SWITCHYARD_REQUEST_TIMEOUT_MS: '60000', SWITCHYARD_BODY_TIMEOUT_MS: '0' })).toEqual({ headersMs: 5000, requestMs: 60_000, bodyIdleMs: 0 });
  });

  it('refuses nonsense: fractions, negatives, words, headers longer than the whole request', () => {
    for (const bad of ['1.5', '-1', 'soon']) expect(() => readHttpTimeouts({ SWITCHYARD_BODY_TIMEOUT_MS: bad })).toThrow(/SWITCHYARD_BODY_TIMEOUT_MS/);
    expect(() => readHttpTimeouts({ SWITCHYARD_HEADERS_TIMEOUT_MS: '30000', SWITCHYARD_REQUEST_TIMEOUT_MS: '10000' })).toThrow(/must not be longer/);
    expect(readHttpTimeouts({ SWITCHYARD_HEADERS_TIMEOUT_MS: '30000', SWITCHYARD_REQUEST_TIMEOUT_MS: '0' }).requestMs).toBe(0);
  });

  it("checks node's timeouts often enough for the limits to hold", () => {
    expect(httpServerOptions(DEFAULT_HTTP_TIMEOUTS)).toEqual({ headersTimeout: 20_000, requestTimeout: 120_000, connectionsCheckingInterval: 1000 });
    expect(httpServerOptions({ headersMs: 500, requestMs: 2000, bodyIdleMs: 0 }).connectionsCheckingInterval).toBe(100);
    expect(httpServerOptions({ headersMs: 0, requestMs: 0, bodyIdleMs: 0 }).connectionsCheckingInterval).toBe(1000);
  });
});
