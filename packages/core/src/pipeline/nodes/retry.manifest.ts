import type { NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT, errorMatchSchema } from './schema-parts';

export const retryManifest: NodeTypeManifest = {
  type: 'retry',
  typeVersion: 1,
  title: 'Retry',
  category: 'resilience',
  description:
    'Runs what follows again when it fails with a matching error, waiting with exponential backoff and jitter, or as long as the upstream asked (Retry-After). Streams are retried only before their first chunk.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      attempts: { type: 'integer', minimum: 1, maximum: 10, default: 3, description: 'Total tries, the first included.', 'x-ui': { order: 1 } },
      initialDelayMs: { type: 'integer', minimum: 0, maximum: 60_000, default: 250, 'x-ui': { order: 2 } },
      maxDelayMs: { type: 'integer', minimum: 0, maximum: 300_000, default: 8_000, 'x-ui': { order: 3 } },
      multiplier: { type: 'number', minimum: 1, maximum: 10, default: 2, 'x-ui': { order: 4 } },
      jitter: {
        enum: ['full', 'equal', 'none'],
        default: 'full',
        description: 'full: random in [0, delay]; equal: delay/2 + random in [0, delay/2]; none: exactly delay.',
        'x-ui': { order: 5 },
      },
      honorRetryAfter: { type: 'boolean', default: true, description: "Wait at least the upstream's Retry-After.", 'x-ui': { order: 6 } },
      maxRetryAfterMs: {
        type: 'integer',
        minimum: 0,
        maximum: 600_000,
        default: 30_000,
        description: 'Give up instead of retrying when the upstream asks to wait longer than this.',
        'x-ui': { order: 7 },
      },
      retryOn: { ...errorMatchSchema, 'x-ui': { widget: 'error-match', order: 8, help: 'Which failures are retried; absent: retryable errors.' } },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
