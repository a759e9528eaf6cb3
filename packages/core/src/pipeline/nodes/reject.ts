import type { ErrorType, NodeTypeDefinition } from '@switchyard/spec';
import { GatewayError } from '../../errors';
import { rejectManifest } from './reject.manifest';

export interface RejectParams {
  status?: number;
  message: string;
  type?: ErrorType;
  code?: string;
}

function typeFor(status: number): ErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Refuses the request. Not retryable: a router above does not move on from a deliberate refusal. */
export const rejectNode: NodeTypeDefinition<RejectParams, GatewayError> = {
  manifest: rejectManifest,
  prepare(params) {
    const status = params.status ?? 403;
    return new GatewayError({ status, type: params.type ?? typeFor(status), message: params.message, code: params.code ?? 'rejected_by_pipeline', retryable: false });
  },
  async execute(ctx) {
    ctx.decide('rejected');
    const e = ctx.state;
    // A fresh error per request: the stack and identity of the prepared one are shared.
    throw new GatewayError({ status: e.status, type: e.type, message: e.message, code: e.code, retryable: false });
  },
};
