import { describe, expect, it } from 'vitest';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { GatewayError } from '@switchyard/plugin-kit';
import { abortReason, errorFromAnthropicBody, failureOf, toGatewayError } from './errors';

const body = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_1' });
const httpError = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
  APIError.generate(status, body(type, message), undefined, new Headers(headers));

describe('toGatewayError: HTTP failures', () => {
  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error', false],
    [401, 'authentication_error', 401, 'authentication_error', true],
    [403, 'permission_error', 403, 'permission_error', true],
    [404, 'not_found_error', 404, 'not_found_error', false],
    [413, 'request_too_large', 413, 'invalid_request_error', false],
    [429, 'rate_limit_error', 429, 'rate_limit_error', true],
    [500, 'api_error', 500, 'upstream_error', true],
    [504, 'timeout_error', 504, 'timeout_error', true],
    [529, 'overloaded_error', 503, 'overloaded_error', true],
  ])('maps %i %s to %i %s (retryable %s)', (status, anthropicType, gatewayStatus, gatewayType, retryable) => {
    const error = toGatewayError(httpError(status, anthropicType, `upstream says ${anthropicType}`));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: gatewayStatus, type: gatewayType, retryable });
    expect(error.message).toBe(`anthropic: upstream says ${anthropicType}`);
  });

  it('marks upstream auth failures as the operator’s problem', () => {
    expect(toGatewayError(httpError(401, 'authentication_error', 'invalid x-api-key')).code).toBe('upstream_auth_failed');
    expect(toGatewayError(httpError(403, 'permission_error', 'nope')).code).toBe('upstream_auth_failed');
  });

  it('carries Retry-After (seconds or retry-after-ms) on rate limits', () => {
    expect(toGatewayError(httpError(429, 'rate_limit_error', 'slow', { 'retry-after': '12' })).retryAfterMs).toBe(12_000);
    expect(toGatewayError(httpError(529, 'overloaded_error', 'busy', { 'retry-after-ms': '250' })).retryAfterMs).toBe(250);
    expect(toGatewayError(httpError(429, 'rate_limit_error', 'slow')).retryAfterMs).toBeUndefined();
  });

  it('never repeats the credential, even when the upstream echoes it', () => {
    const key = 'plain-credential-without-prefix-123';
    const error = toGatewayError(httpError(400, 'invalid_request_error', `bad key ${key} and sk-ant-api03-abcdefghijklmnop`), { secret: key });
    expect(error.message).not.toContain(key);
    expect(error.message).not.toContain('sk-ant-api03-abcdefghijklmnop');
  });

  it('describes an error without a body by its status', () => {
    const error = toGatewayError(APIError.generate(502, undefined, 'Bad Gateway', new Headers()));
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/HTTP 502/);
  });
});

describe('toGatewayError: stream and network failures', () => {
  it('maps a mid-stream error event by its type', () => {
    const streamed = new APIError(undefined, body('overloaded_error', 'Overloaded'), undefined, new Headers(), 'overloaded_error');
    expect(toGatewayError(streamed)).toMatchObject({ status: 503, type: 'overloaded_error', retryable: true, message: 'anthropic: Overloaded' });
    expect(errorFromAnthropicBody({ type: 'error', error: { type: 'invalid_request_error', message: 'bad' } })).toMatchObject({ status: 400, retryable: false });
    expect(errorFromAnthropicBody({ type: 'error', error: { type: 'brand_new_error' } })).toMatchObject({ status: 502, retryable: true });
  });

  it('maps connection failures to a retryable 502 upstream_unreachable and timeouts to 504', () => {
    expect(toGatewayError(new APIConnectionError({ message: 'Connection error.', cause: new Error('ECONNREFUSED') }))).toMatchObject({
      status: 502,
      code: 'upstream_unreachable',
      retryable: true,
    });
    expect(toGatewayError(new APIConnectionTimeoutError())).toMatchObject({ status: 504, type: 'timeout_error', retryable: true });
    expect(toGatewayError(new TypeError('terminated'))).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
  });

  it('passes GatewayErrors through untouched', () => {
    const original = new GatewayError({ status: 418, type: 'invalid_request_error', message: 'teapot' });
    expect(toGatewayError(original)).toBe(original);
  });
});

describe('aborts', () => {
  it("reject with the caller's reason, not an upstream failure", () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    controller.abort(reason);
    expect(failureOf(new APIUserAbortError(), controller.signal)).toBe(reason);
    expect(failureOf(new APIConnectionError({ message: 'x' }), controller.signal)).toBe(reason);
  });

  it('fall back to an AbortError when the signal has no reason', () => {
    const signal = { aborted: true, reason: undefined } as unknown as AbortSignal;
    expect((abortReason(signal) as Error).name).toBe('AbortError');
  });

  it('map normally while the signal has not fired', () => {
    expect(failureOf(new APIConnectionTimeoutError(), new AbortController().signal)).toMatchObject({ status: 504 });
  });
});
