import { describe, expect, it } from 'vitest';
import { APIConnectionError, APIConnectionTimeoutError, APIError, OpenAIError } from 'openai';
import { GatewayError } from '@switchyard/plugin-kit';
import { scrubSecrets, toGatewayError } from './errors';

const context = { provider: 'openai' };
// `body` is the inner `error` object; the SDK receives it wrapped, as on the wire.
const httpError = (status: number, body: unknown, headers: Record<string, string> = {}) => APIError.generate(status, { error: body }, undefined, new Headers(headers));
const asGateway = (value: unknown): GatewayError => {
  expect(GatewayError.is(value)).toBe(true);
  return value as GatewayError;
};

describe('toGatewayError', () => {
  it('maps 429 to a retryable 429 with retryAfterMs from retry-after or retry-after-ms', () => {
    const body = { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } };
    const seconds = asGateway(toGatewayError(httpError(429, body.error, { 'retry-after': '4' }), context));
    expect(seconds).toMatchObject({ status: 429, type: 'rate_limit_error', retryable: true, retryAfterMs: 4000, code: 'rate_limit_exceeded' });
    expect(seconds.message).toBe('openai: Rate limit reached');
    const ms = asGateway(toGatewayError(httpError(429, body.error, { 'retry-after-ms': '250' }), context));
    expect(ms.retryAfterMs).toBe(250);
  });

  it("maps upstream auth failures to upstream_auth_failed, hiding the upstream's invalid_api_key and any key it echoes", () => {
    const key = 'gsk_live_4f9a8b7c6d5e';
    const error = asGateway(
      toGatewayError(httpError(401, { message: `Incorrect API key provided: ${key}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' }), { ...context, secrets: [key] }),
    );
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).not.toContain(key);
    expect(error.message).toContain('Incorrect API key provided: ***');
  });

  it('keeps 400 details (param, code, message) and does not retry them', () => {
    const error = asGateway(toGatewayError(httpError(400, { message: "Unsupported parameter: 'max_tokens'", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' }), context));
    expect(error).toMatchObject({ status: 400, retryable: false, param: 'max_tokens', code: 'unsupported_parameter' });
  });

  it("drops Azure's numeric codes, which only repeat the status", () => {
    const error = asGateway(toGatewayError(httpError(429, { code: '429', message: 'Please retry after 6 seconds.' }, { 'retry-after': '6' }), context));
    expect(error.code).toBeNull();
    expect(error.retryAfterMs).toBe(6000);
  });

  it('maps 5xx to retryable errors', () => {
    expect(asGateway(toGatewayError(httpError(500, { message: 'boom', type: 'server_error' }), context))).toMatchObject({ retryable: true });
    expect(asGateway(toGatewayError(httpError(503, { message: 'overloaded' }), context))).toMatchObject({ status: 503, retryable: true });
  });

  it('maps timeouts to 504 and connection failures to 502 upstream_unreachable, both retryable', () => {
    expect(asGateway(toGatewayError(new APIConnectionTimeoutError(), context))).toMatchObject({ status: 504, type: 'timeout_error', retryable: true });
    const refused = asGateway(toGatewayError(new APIConnectionError({ cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }), context));
    expect(refused).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
    expect(refused.message).toContain('ECONNREFUSED');
  });

  it('maps an error event inside a stream, and a body cut mid-stream, to retryable 502s', () => {
    const event = asGateway(toGatewayError(new APIError(undefined, { message: 'The server is overloaded' }, undefined, undefined), context));
    expect(event).toMatchObject({ status: 502, retryable: true });
    expect(event.message).toContain('overloaded');
    const cut = asGateway(toGatewayError(new TypeError('terminated'), { ...context, streamStarted: true }));
    expect(cut).toMatchObject({ status: 502, code: 'upstream_stream_interrupted', retryable: true });
  });

  it('maps SDK configuration errors to a non-retryable provider_misconfigured', () => {
    expect(asGateway(toGatewayError(new OpenAIError('Missing credentials'), context))).toMatchObject({ status: 500, code: 'provider_misconfigured', retryable: false });
  });

  it('returns the abort itself once the signal fired, whatever the SDK threw', () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    controller.abort(reason);
    expect(toGatewayError(new APIConnectionError({}), { ...context, signal: controller.signal })).toBe(reason);
  });

  it('passes GatewayErrors through untouched', () => {
    const original = new GatewayError({ status: 418, type: 'invalid_request_error', message: 'x', retryable: false });
    expect(toGatewayError(original, context)).toBe(original);
  });
});

describe('scrubSecrets', () => {
  it('removes every occurrence of long secrets and leaves short values alone', () => {
    expect(scrubSecrets('key abcdef123 and abcdef123 again, id 42', ['abcdef123', '42'])).toBe('key *** and *** again, id 42');
  });
});
