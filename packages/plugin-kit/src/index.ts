export * from './define';
export { defineNodeType, requestHandles, REQUEST_HANDLE_TYPE } from './node';
export type { NodeTypeOptions } from './node';
export { defineSchema } from './schema-types';
export type { SchemaValue } from './schema-types';
export { rewriteCompletionText, rewriteStreamText, rewriteOutcomeText } from './rewrite-text';
export type { TextRewriter } from './rewrite-text';
export { GatewayError, errors, errorFromHttpStatus, parseRetryAfter, redactSecrets, isRetryableStatus, HOST_VERSION, ParamError } from '@switchyard/core';
export type * from '@switchyard/spec';
