import { describe, expect, it } from 'vitest';
import {
  AccessDeniedException,
  InternalServerException,
  ModelErrorException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '@switchyard/plugin-kit';
import { toGatewayError } from './errors';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const scrub = { secrets: [SECRET] };
const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

function mapped(err: unknown, signal?: AbortSignal): GatewayError {
  const out = toGatewayError(err, scrub, signal);
  if (!GatewayError.is(out)) throw new Error(`not a GatewayError: ${String(out)}`);
  return out;
}

describe('toGatewayError', () => {
  it.each([
    ['ThrottlingException', new ThrottlingException({ message: 'Too many requests', ...meta(429) }), 429, true, 'rate_limit_error'],
    ['ServiceQuotaExceededException', new ServiceQuotaExceededException({ message: 'quota', ...meta(400) }), 429, true, 'rate_limit_error'],
    ['ModelNotReadyException', new ModelNotReadyException({ message: 'not ready', ...meta(429) }), 503, true, 'overloaded_error'],
    ['ServiceUnavailableException', new ServiceUnavailableException({ message: 'unavailable', ...meta(503) }), 503, true, 'overloaded_error'],
    ['ModelTimeoutException', new ModelTimeoutException({ message: 'slow', ...meta(408) }), 408, true, 'timeout_error'],
    ['AccessDeniedException', new AccessDeniedException({ message: 'no access', ...meta(403) }), 403, true, 'permission_error'],
    ['ValidationException', new ValidationException({ message: 'bad input', ...meta(400) }), 400, false, 'invalid_request_error'],
    ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'no model', ...meta(404) }), 404, false, 'not_found_error'],
    ['InternalServerException', new InternalServerException({ message: 'boom', ...meta(500) }), 500, true, 'upstream_error'],
    ['ModelErrorException', new ModelErrorException({ message: 'model failed', ...meta(424) }), 502, true, 'upstream_error'],
    ['ModelStreamErrorException', new ModelStreamErrorException({ message: 'stream failed', ...meta(424) }), 502, true, 'upstream_error'],
  ])('%s -> %i (retryable %s)', (_name, err, status, retryable, type) => {
    const out = mapped(err);
    expect(out.status).toBe(status);
    expect(out.retryable).toBe(retryable);
    expect(out.type).toBe(type);
    expect(out.message).toMatch(/^bedrock: /);
  });

  it('reads Retry-After from the raw response of a throttled call', () => {
    const err = Object.defineProperty(new ThrottlingException({ message: 'slow', ...meta(429) }), '$response', { value: { headers: { 'retry-after': '7' } } });
    expect(mapped(err).retryAfterMs).toBe(7000);
  });

  it('treats signature and unknown-key errors as upstream auth failures, keeping only the first paragraph', () => {
    const signature = Object.assign(new Error('The request signature we calculated does not match.\n\nThe Canonical String for this request should have been\n...'), { name: 'InvalidSignatureException', ...meta(403) });
    const out = mapped(signature);
    expect(out).toMatchObject({ status: 403, code: 'upstream_auth_failed' });
    expect(out.message).not.toContain('Canonical String');
    expect(mapped(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'UnrecognizedClientException', ...meta(403) })).code).toBe('upstream_auth_failed');
  });

  it('never lets the secret key through, even if an upstream message echoes it', () => {
    const out = mapped(new ValidationException({ message: `bad key ${SECRET} and AKIAABCDEFGHIJKLMNOP`, ...meta(400) }));
    expect(out.message).not.toContain(SECRET);
    expect(out.message).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  it('maps connection failures to a retryable 502 upstream_unreachable (the SDK renames resets to TimeoutError)', () => {
    expect(mapped(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toMatchObject({ status: 502, code: 'upstream_unreachable', retryable: true });
    expect(mapped(Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }))).toMatchObject({ status: 502, code: 'upstream_unreachable' });
    expect(mapped(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toMatchObject({ status: 502, code: 'upstream_unreachable' });
  });

  it('maps an idle timeout to a retryable 504', () => {
    expect(mapped(Object.assign(new Error('the request socket timed out after 100 ms of inactivity'), { name: 'TimeoutError' }))).toMatchObject({ status: 504, type: 'timeout_error', retryable: true });
  });

  it('returns the abort reason untouched when the caller aborted', () => {
    const controller = new AbortController();
    controller.abort(new DOMException('client left', 'AbortError'));
    expect(toGatewayError(new Error('whatever'), scrub, controller.signal)).toBe(controller.signal.reason);
  });

  it('keeps GatewayErrors as they are, and wraps anything else as a retryable 502', () => {
    const own = new GatewayError({ status: 400, type: 'invalid_request_error', message: 'mine', retryable: false });
    expect(toGatewayError(own, scrub)).toBe(own);
    expect(mapped(new Error('strange'))).toMatchObject({ status: 502, code: 'provider_error', retryable: true });
  });
});
