import type { ServerResponse } from 'node:http';
import type { ScriptedReply } from '@switchyard/plugin-kit/testing';

/** An error as Bedrock's restJson1 front door renders it. */
export interface AwsErrorReply {
  status: number;
  /** The modeled shape name, e.g. `ThrottlingException`. */
  errorType: string;
  message: string;
  /** Bedrock spells it `message`, except a few front-door errors that say `Message`. */
  messageKey?: 'message' | 'Message';
  retryAfterSeconds?: number;
}

// Coral services append the namespace to the error type header; SDKs strip everything after ':'.
const ERROR_TYPE_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.coral.service/';

const DEFAULT_MESSAGES: Record<string, string> = {
  ThrottlingException: 'Too many requests, please wait before trying again.',
  ServiceUnavailableException: 'Bedrock is unable to process your request.',
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  UnrecognizedClientException: 'The security token included in the request is invalid.',
  ResourceNotFoundException: 'Could not resolve the foundation model from the provided model identifier.',
  ValidationException: 'Malformed input request, please reformat your input and try again.',
  InternalServerException: 'The server encountered an internal error while processing the request.',
  ModelTimeoutException: 'Model has timed out in processing the request. Try your request again.',
  ModelNotReadyException: 'Model is not ready for inference. Wait and try your request again.',
  ServiceQuotaExceededException: 'Your request exceeded the service quota for your account.',
  ModelErrorException: 'The model returned an error while processing the request.',
};

/** Picks the Bedrock exception a scripted error stands for (by kind first, then by status). */
export function awsErrorFromScript(error: NonNullable<ScriptedReply['error']>): AwsErrorReply {
  const errorType = errorTypeFor(error.status, error.kind);
  return {
    status: error.status,
    errorType,
    message: error.message ?? DEFAULT_MESSAGES[errorType] ?? 'Request failed.',
    retryAfterSeconds: error.retryAfterSeconds,
  };
}

function errorTypeFor(status: number, kind: NonNullable<ScriptedReply['error']>['kind']): string {
  switch (kind) {
    case 'rate_limit':
      return 'ThrottlingException';
    case 'overloaded':
      return 'ServiceUnavailableException';
    case 'auth':
      return status === 401 ? 'UnrecognizedClientException' : 'AccessDeniedException';
    case 'not_found':
      return 'ResourceNotFoundException';
    case 'invalid':
      return 'ValidationException';
    case 'server':
      return 'InternalServerException';
  }
  if (status === 429) return 'ThrottlingException';
  if (status === 401) return 'UnrecognizedClientException';
  if (status === 403) return 'AccessDeniedException';
  if (status === 404) return 'ResourceNotFoundException';
  if (status === 408) return 'ModelTimeoutException';
  if (status === 424) return 'ModelErrorException';
  if (status === 503 || status === 529) return 'ServiceUnavailableException';
  if (status >= 500) return 'InternalServerException';
  return 'ValidationException';
}

export function writeAwsError(res: ServerResponse, requestId: string, error: AwsErrorReply): void {
  const body = JSON.stringify({ [error.messageKey ?? 'message']: error.message });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': `${error.errorType}${ERROR_TYPE_SUFFIX}`,
  };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  res.writeHead(error.status, headers);
  res.end(body);
}

/** The ConverseStream union member that carries this exception mid-stream, if it is one. */
export function streamExceptionName(errorType: string): string | undefined {
  const member = errorType.charAt(0).toLowerCase() + errorType.slice(1);
  return ['internalServerException', 'modelStreamErrorException', 'validationException', 'throttlingException', 'serviceUnavailableException'].includes(member)
    ? member
    : undefined;
}
