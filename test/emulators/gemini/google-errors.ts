/**
 * Google API error bodies as generativelanguage.googleapis.com sends them:
 * `{error: {code, message, status, details?}}` (google.rpc.Status in JSON), with the wording the
 * real service uses for the common cases.
 */
import type { ScriptedReply } from '../types';

export interface GoogleError {
  httpStatus: number;
  body: { error: { code: number; message: string; status: string; details?: unknown[] } };
}

const STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function statusName(httpStatus: number): string {
  return STATUS_NAME[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

export function googleError(httpStatus: number, message: string, details?: unknown[]): GoogleError {
  const error: GoogleError['body']['error'] = { code: httpStatus, message, status: statusName(httpStatus) };
  if (details && details.length > 0) error.details = details;
  return { httpStatus, body: { error } };
}

export const invalidArgument = (message: string) => googleError(400, message);

/** No key at all: Google refuses the anonymous caller with 403. */
export function missingKeyError(): GoogleError {
  return googleError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );
}

/** A key Google does not know: 400 INVALID_ARGUMENT with reason API_KEY_INVALID (not a 401). */
export function invalidKeyError(): GoogleError {
  const message = 'API key not valid. Please pass a valid API key.';
  return googleError(400, message, [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
  ]);
}

export function modelNotFoundError(model: string, apiVersion: string, method: string): GoogleError {
  return googleError(
    404,
    `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );
}

type Kind = NonNullable<NonNullable<ScriptedReply['error']>['kind']>;

function kindOf(status: number): Kind {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'invalid';
}

/** The body Google would send for a scripted failure (RetryInfo carries retryAfterSeconds). */
export function scriptedError(error: NonNullable<ScriptedReply['error']>, model: string, apiVersion: string, method: string): GoogleError {
  const kind = error.kind ?? kindOf(error.status);
  const details: unknown[] = [];
  let message = error.message;
  switch (kind) {
    case 'rate_limit':
      message ??= 'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.';
      details.push({
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', quotaDimensions: { location: 'global', model }, quotaValue: '10' }],
      });
      break;
    case 'overloaded':
      message ??= 'The model is overloaded. Please try again later.';
      break;
    case 'server':
      message ??= 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';
      break;
    case 'not_found':
      message ??= modelNotFoundError(model, apiVersion, method).body.error.message;
      break;
    case 'auth':
      message ??= error.status === 401
        ? 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'
        : 'The caller does not have permission';
      break;
    case 'invalid':
      message ??= 'Request contains an invalid argument.';
      break;
  }
  if (error.retryAfterSeconds !== undefined) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${error.retryAfterSeconds}s` });
  }
  const result = googleError(error.status, message!, details);
  if (kind === 'overloaded') result.body.error.status = 'UNAVAILABLE';
  if (kind === 'rate_limit') result.body.error.status = 'RESOURCE_EXHAUSTED';
  return result;
}
