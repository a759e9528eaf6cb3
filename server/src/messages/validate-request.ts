import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { errors } from '@switchyard/core';
import { MAX_JSON_DEPTH, nestsDeeperThan, tooDeeplyNested } from '../validation/json-depth';
import { messagesRequestSchema } from './request-schema';
import type { AnthropicMessagesRequest } from './types';

// strictNumbers: JSON.parse turns 1e400 into Infinity, which ajv would otherwise take for an integer.
const ajv = new Ajv2020({ allErrors: false, strict: false, strictNumbers: true });
const validate = ajv.compile(messagesRequestSchema);

/** `/messages/0/content` -> `messages.0.content`, the way Anthropic names a field in its errors. */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.join('.');
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return `${fieldPath(e.instancePath, (e.params as { missingProperty: string }).missingProperty)}: Field required`;
    case 'additionalProperties':
      return `${fieldPath(e.instancePath, (e.params as { additionalProperty: string }).additionalProperty)}: Extra inputs are not permitted`;
    case 'enum':
      return `${fieldPath(e.instancePath) || 'body'}: Input should be ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${fieldPath(e.instancePath) || 'body'}: Input should be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return `${fieldPath(e.instancePath) || 'body'}: ${e.message ?? 'is invalid'}`;
  }
}

/**
 * The error worth showing. if/then and anyOf failures also report their wrapper and every
 * branch (a content array is also "not a string"), so the deepest one names the real problem.
 */
function mostSpecific(found: ErrorObject[]): ErrorObject {
  const useful = found.filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf');
  const pool = useful.length > 0 ? useful : found;
  const depth = (e: ErrorObject) => e.instancePath.split('/').length + (e.keyword === 'type' ? 0 : 0.5);
  return pool.reduce((best, e) => (depth(e) > depth(best) ? e : best));
}

/**
 * Checks a Messages request against the schema; throws a 400 GatewayError whose message names
 * the offending field (rendered in Anthropic's error shape by the route), or returns it typed.
 */
export function validateMessagesRequest(body: unknown): AnthropicMessagesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) throw tooDeeplyNested();
  if (!validate(body)) {
    const first = mostSpecific(validate.errors ?? []);
    throw errors.invalidRequest(describe(first), fieldPath(first.instancePath) || null, 'invalid_request');
  }
  return body as unknown as AnthropicMessagesRequest;
}
