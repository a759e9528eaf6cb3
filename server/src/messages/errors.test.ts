import { describe, expect, it } from 'vitest';
import { errorFromHttpStatus, errors, GatewayError } from '@switchyard/core';
import { toAnthropicError } from './errors';

const upstream = (status: number, retryAfterMs?: number) => errorFromHttpStatus({ status, provider: 'p', message: 'upstream said no', retryAfterMs });

describe('toAnthropicError', () => {
  it.each([
    [errors.invalidRequest('bad'), 400, 'invalid_request_error'],
    [errors.unauthorized(), 401, 'authentication_error'],
    [errors.forbidden('no'), 403, 'permission_error'],
    [errors.modelNotFound('x'), 404, 'not_found_error'],
    [errors.tooLarge('1mb'), 413, 'request_too_large'],
    [errors.rateLimited('slow', 2000), 429, 'rate_limit_error'],
    [errors.internal(), 500, 'api_error'],
    [errors.conflict('dup'), 400, 'invalid_request_error'],
    [new GatewayError({ status: 402, type: 'insufficient_quota', message: 'no credit' }), 402, 'billing_error'],
    [upstream(529), 529, 'overloaded_error'],
    [upstream(503), 529, 'overloaded_error'],
    [upstream(502), 500, 'api_error'],
    [upstream(504), 504, 'timeout_error'],
  ])('%s -> %i %s', (err, status, type) => {
    const out = toAnthropicError(err, 'req_1');
    expect(out.status).toBe(status);
    expect(out.body).toEqual({ type: 'error', error: { type, message: err.message }, request_id: 'req_1' });
  });

  it('keeps Retry-After and hides unexpected errors', () => {
    expect(toAnthropicError(upstream(429, 7000)).retryAfterMs).toBe(7000);
    const hidden = toAnthropicError(new Error('db password=hunter2 leaked'));
    expect(hidden.status).toBe(500);
    expect(hidden.body.error.message).not.toMatch(/hunter2/);
  });

  it('maps body-parser failures', () => {
    expect(toAnthropicError(Object.assign(new Error('x'), { type: 'entity.too.large', limit: 10 })).status).toBe(413);
    expect(toAnthropicError(Object.assign(new Error('x'), { type: 'entity.parse.failed', status: 400 })).body.error.type).toBe('invalid_request_error');
  });
});
