import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@google/genai';
import { GatewayError } from '@switchyard/plugin-kit';
import { fixturePath } from '../../../test/emulators/gemini/fixtures';
import { failure, fromGoogleError, parseRetryDelay, scrub, toGatewayError, type GoogleErrorBody } from './errors';

/** What the SDK throws for an HTTP error: its message is the JSON body. */
const apiError = (status: number, body: unknown) => new ApiError({ status, message: JSON.stringify(body) });
const google = (code: number, status: string, message: string, details?: unknown[]): GoogleErrorBody => ({ error: { code, status, message, ...(details ? { details: details as never } : {}) } });

describe('parseRetryDelay', () => {
  it('reads protobuf Duration strings', () => {
    expect(parseRetryDelay('12s')).toBe(12_000);
    expect(parseRetryDelay('34.4s')).toBe(34_400);
    expect(parseRetryDelay('0.25s')).toBe(250);
    expect(parseRetryDelay('12')).toBeUndefined();
    expect(parseRetryDelay(12)).toBeUndefined();
  });
});

describe('toGatewayError: Google error bodies', () => {
  it('maps the recorded RESOURCE_EXHAUSTED with RetryInfo to a retryable 429 with retryAfterMs', () => {
    const body = JSON.parse(fs.readFileSync(fixturePath('google-429-retry-info.json'), 'utf8'));
    const error = toGatewayError(apiError(429, body));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', retryable: true, retryAfterMs: 34_400, code: 'resource_exhausted' });
    expect(error.message).toBe('gemini: You exceeded your current quota, please check your plan.');
  });

  it('reads RetryInfo in error events of a stream too ("got status: ..." prefix)', () => {
    const body = google(429, 'RESOURCE_EXHAUSTED', 'slow down', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }]);
    const error = toGatewayError(new ApiError({ status: 429, message: `got status: RESOURCE_EXHAUSTED. ${JSON.stringify(body)}` }));
    expect(error).toMatchObject({ status: 429, retryAfterMs: 12_000 });
  });

  it.each([
    [503, 'UNAVAILABLE', 503, true, 'upstream_error'],
    [500, 'INTERNAL', 500, true, 'upstream_error'],
    [400, 'INVALID_ARGUMENT', 400, false, 'invalid_request_error'],
    [404, 'NOT_FOUND', 404, false, 'not_found_error'],
  ] as const)('maps %i %s', (http, status, expected, retryable, type) => {
    const error = toGatewayError(apiError(http, google(http, status, 'upstream says no')));
    expect(error).toMatchObject({ status: expected, retryable, type, code: status.toLowerCase() });
    expect(error.message).toBe('gemini: upstream says no');
  });

  it('treats PERMISSION_DENIED, UNAUTHENTICATED and an invalid key (400 API_KEY_INVALID) as upstream auth failures', () => {
    expect(toGatewayError(apiError(403, google(403, 'PERMISSION_DENIED', 'denied')))).toMatchObject({ status: 403, code: 'upstream_auth_failed' });
    expect(toGatewayError(apiError(401, google(401, 'UNAUTHENTICATED', 'who?')))).toMatchObject({ status: 401, code: 'upstream_auth_failed' });
    const invalidKey = google(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
    ]);
    expect(toGatewayError(apiError(400, invalidKey))).toMatchObject({ status: 401, type: 'authentication_error', code: 'upstream_auth_failed' });
  });

  it('falls back to the canonical code when no HTTP status is known', () => {
    expect(fromGoogleError(undefined, { error: { status: 'UNAVAILABLE', message: 'x' } })).toMatchObject({ status: 503, retryable: true });
    expect(fromGoogleError(undefined, { error: { message: 'x' } })).toMatchObject({ status: 502 });
  });

  it('keeps a non-JSON error body readable', () => {
    const error = toGatewayError(new ApiError({ status: 502, message: '<html>Bad Gateway</html>' }));
    expect(error).toMatchObject({ status: 502, retryable: true });
    expect(error.message).toContain('Bad Gateway');
  });
});

describe('toGatewayError: secrets', () => {
  const key = 'AIzaSyD-secret-key-1234567890abcdefghi';

  it('never lets a URL key= parameter or the key itself into the message', () => {
    const body = google(400, 'INVALID_ARGUMENT', `Bad request to https://generativelanguage.googleapis.com/v1beta/models/x:generateContent?alt=sse&key=${key} with ${key}`);
    const error = toGatewayError(apiError(400, body), { secret: key });
    expect(error.message).not.toContain(key);
    expect(error.message).not.toMatch(/key=[^*]/);
    expect(error.message).toContain('key=***');
  });

  it('scrubs key= wherever it appears', () => {
    expect(scrub('GET /v1/models?pageSize=5&key=abc123&x=1')).toBe('GET /v1/models?pageSize=5&key=***&x=1');
    expect(scrub('token custom-secret-value here', 'custom-secret-value')).toBe('token *** here');
  });

  it('scrubs the key from network failure text too', () => {
    const error = toGatewayError(new Error(`request to https://x/?key=${key} failed`), { secret: key });
    expect(error.message).not.toContain(key);
  });
});

describe('toGatewayError: network and timeouts', () => {
  it('maps connection failures to a retryable 502 upstream_unreachable', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    expect(toGatewayError(refused)).toMatchObject({ status: 502, retryable: true, code: 'upstream_unreachable', type: 'upstream_error' });
    expect(toGatewayError(refused).message).toContain('ECONNREFUSED');
    const cut = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(toGatewayError(cut)).toMatchObject({ status: 502, retryable: true, code: 'upstream_unreachable' });
    expect(toGatewayError(new Error('Incomplete JSON segment at the end'))).toMatchObject({ status: 502, retryable: true });
  });

  it('maps the SDK’s own timeout (an abort the caller did not cause) to a retryable 504', () => {
    const timeout = new DOMException('This operation was aborted', 'AbortError');
    expect(toGatewayError(timeout)).toMatchObject({ status: 504, type: 'timeout_error', retryable: true, code: 'upstream_timeout' });
  });

  it('passes GatewayErrors through', () => {
    const original = new GatewayError({ status: 418, type: 'invalid_request_error', message: 'teapot' });
    expect(toGatewayError(original)).toBe(original);
  });
});

describe('failure', () => {
  it('ends an aborted call with the abort itself, not a GatewayError', () => {
    const controller = new AbortController();
    const reason = new DOMException('The client disconnected', 'AbortError');
    controller.abort(reason);
    expect(failure(new DOMException('This operation was aborted', 'AbortError'), controller.signal)).toBe(reason);
  });

  it('maps other failures', () => {
    expect(failure(apiError(503, google(503, 'UNAVAILABLE', 'busy')), new AbortController().signal)).toMatchObject({ status: 503 });
  });
});
