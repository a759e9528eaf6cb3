import { GatewayError } from '@switchyard/core';
import { microsToDecimal } from './money';

/** An amount in credits; past 2^53 micro-credits (max_tokens: 1e300) floats print nonsense digits. */
const upTo = (micros: number) => (micros > Number.MAX_SAFE_INTEGER ? `more than ${microsToDecimal(Number.MAX_SAFE_INTEGER)}` : microsToDecimal(micros));

/** 402: the payer cannot cover the most this request may cost. Nothing was sent upstream or charged. */
export function insufficientCredits(needed: number, available: number): GatewayError {
  return new GatewayError({
    status: 402,
    type: 'insufficient_quota',
    code: 'insufficient_credits',
    message: `You don't have enough credits for this request: it may cost up to ${upTo(needed)} credits and ${microsToDecimal(Math.max(0, available))} are available. Add credits, or lower max_tokens.`,
    retryable: false,
  });
}

/** Credits mode refuses models that have no price, unless the operator set unpriced models free. */
export function modelNotPriced(model: string): GatewayError {
  return new GatewayError({
    status: 403,
    type: 'permission_error',
    code: 'model_not_priced',
    param: 'model',
    message: `The model '${model}' has no price yet, so it cannot be billed. Ask an administrator to set one.`,
    retryable: false,
  });
}
