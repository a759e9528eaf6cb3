/** Anthropic's error bodies and the statuses that go with each error type. */
import type { ScriptedReply } from '../types';
import { anthropicId } from './wire';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** `{"type":"error","error":{"type":...,"message":...},"request_id":...}` as the API sends it. */
export function errorBody(type: AnthropicErrorType, message: string, requestId = anthropicId('req')): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

const TYPE_BY_KIND: Record<NonNullable<NonNullable<ScriptedReply['error']>['kind']>, AnthropicErrorType> = {
  rate_limit: 'rate_limit_error',
  overloaded: 'overloaded_error',
  auth: 'authentication_error',
  not_found: 'not_found_error',
  invalid: 'invalid_request_error',
  server: 'api_error',
};

const TYPE_BY_STATUS: Record<number, AnthropicErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** The messages the real API uses for each type, when the script gives none. */
const DEFAULT_MESSAGE: Record<AnthropicErrorType, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'This request would exceed the rate limit for your organization. Please try again later.',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out.',
  overloaded_error: 'Overloaded',
};

export function scriptedErrorType(error: NonNullable<ScriptedReply['error']>): AnthropicErrorType {
  if (error.kind) return TYPE_BY_KIND[error.kind];
  return TYPE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function scriptedErrorBody(error: NonNullable<ScriptedReply['error']>, requestId: string): Record<string, unknown> {
  const type = scriptedErrorType(error);
  return errorBody(type, error.message ?? DEFAULT_MESSAGE[type], requestId);
}
