import type { HandleSpec, JsonSchema } from '@switchyard/spec';
import { ID_PATTERN, REQUEST_HANDLE } from '../format';

/* Schema fragments shared by the built-in manifests (browser-safe). */

export const IN: HandleSpec[] = [{ id: 'in', label: 'Request', type: REQUEST_HANDLE }];
export const NEXT: HandleSpec[] = [{ id: 'next', label: 'Next', type: REQUEST_HANDLE }];

/** An output per element of `branches`. */
export const BRANCH_OUTPUTS: HandleSpec[] = [{ id: 'branches', label: 'Branch', type: REQUEST_HANDLE, repeat: 'branches' }];

export const handleIdSchema: JsonSchema = { type: 'string', pattern: ID_PATTERN, 'x-ui': { help: 'Names the output handle: letters, digits, _ or -' } };

export function branchesSchema(extra: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema {
  return {
    type: 'array',
    minItems: 1,
    maxItems: 16,
    items: {
      type: 'object',
      required: ['id', ...required],
      additionalProperties: false,
      properties: { id: handleIdSchema, label: { type: 'string', maxLength: 80 }, ...extra },
    },
    'x-ui': { widget: 'branches', order: 1 },
  };
}

/** Which failures a router moves on after (or a retry retries, or a breaker counts). */
export const errorMatchSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    retryable: { type: 'boolean', description: 'Match every error the provider marked retryable (429, 5xx, timeouts, connection errors).' },
    statuses: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, uniqueItems: true },
    types: { type: 'array', items: { type: 'string' }, uniqueItems: true, description: 'Error types, e.g. rate_limit_error, timeout_error.' },
    codes: { type: 'array', items: { type: 'string' }, uniqueItems: true, description: 'Error codes, e.g. circuit_open, connection_error.' },
  },
  'x-ui': { widget: 'error-match', help: 'Absent: retryable errors.' },
};

export const routerCommon = {
  fallback: { type: 'boolean', default: true, description: 'Try the next branch in the ranking when one fails.', 'x-ui': { order: 20 } },
  fallbackOn: { ...errorMatchSchema, 'x-ui': { widget: 'error-match', order: 21, help: 'Which failures move on; absent: retryable errors.' } },
} satisfies Record<string, JsonSchema>;
