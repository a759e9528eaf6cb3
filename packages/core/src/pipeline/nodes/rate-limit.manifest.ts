import type { NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT } from './schema-parts';

export const rateLimitManifest: NodeTypeManifest = {
  type: 'rate-limit',
  typeVersion: 1,
  title: 'Rate limit',
  category: 'governance',
  description:
    'Limits requests and tokens per minute per key, user or pipeline (sliding window). Over the limit: 429 with Retry-After. Tokens are estimated before the call and corrected from the usage after it.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['rpm'] }, { required: ['tpm'] }, { required: ['usePrincipalLimits'], properties: { usePrincipalLimits: { const: true } } }],
    properties: {
      rpm: { type: 'integer', minimum: 1, maximum: 10_000_000, description: 'Requests per minute.', 'x-ui': { order: 1 } },
      tpm: { type: 'integer', minimum: 1, maximum: 10_000_000_000, description: 'Tokens (prompt + completion) per minute.', 'x-ui': { order: 2 } },
      scope: { enum: ['key', 'user', 'pipeline', 'global'], default: 'key', 'x-ui': { order: 3 } },
      usePrincipalLimits: {
        type: 'boolean',
        default: false,
        description: "Use the calling key's own rpm/tpm limits where it has them.",
        'x-ui': { order: 4 },
      },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
