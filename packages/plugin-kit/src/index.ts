export * from './define';
export { GatewayError, errors, errorFromHttpStatus, parseRetryAfter, redactSecrets, isRetryableStatus, HOST_VERSION } from '@switchyard/core';
export type * from '@switchyard/spec';
