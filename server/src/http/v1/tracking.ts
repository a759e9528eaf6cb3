import type { Principal } from '@switchyard/spec';
import { GatewayError } from '@switchyard/core';
import type { Endpoint, GatewayHooks } from '../../dispatch/hooks';
import { RequestTracker } from '../../dispatch/tracker';
import { toGatewayError } from '../errors';

/** Starts tracking a validated request; `finishTracked` or `failTracked` reports it when it ends. */
export function startTracking(caller: { requestId: string; principal?: Principal }, hooks: Required<GatewayHooks>, info: { endpoint: Endpoint; stream: boolean; requestedModel: string }): RequestTracker {
  return new RequestTracker({ requestId: caller.requestId, principal: caller.principal, ...info }, hooks);
}

/** Reports a failed request (499 when the client went away) and hands the error back to rethrow. */
export function failTracked(tracker: RequestTracker, err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted && !GatewayError.is(err)) {
    tracker.finish(499, new GatewayError({ status: 499, type: 'invalid_request_error', code: 'client_closed_request', message: 'The client closed the request.', retryable: false }));
  } else {
    const gw = toGatewayError(err);
    tracker.finish(gw.status, gw);
  }
  return err;
}
