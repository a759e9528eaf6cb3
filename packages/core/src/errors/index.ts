export { GatewayError, errors, isRetryableStatus, redactSecrets } from './gateway-error';
export { errorFromHttpStatus, parseRetryAfter } from './http-status';
