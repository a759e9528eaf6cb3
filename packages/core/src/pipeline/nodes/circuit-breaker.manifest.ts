import type { NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT, errorMatchSchema } from './schema-parts';

export const circuitBreakerManifest: NodeTypeManifest = {
  type: 'circuit-breaker',
  typeVersion: 1,
  title: 'Circuit breaker',
  category: 'resilience',
  description:
    'Stops calling what follows after too many failures in a window (answering a retryable 503 at once, so a fallback above moves on), lets a probe through after a cool-down, and closes again when probes succeed. State is per target, shared by every pipeline that calls it.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      failureThreshold: { type: 'integer', minimum: 1, maximum: 1000, default: 5, 'x-ui': { order: 1 } },
      windowMs: { type: 'integer', minimum: 100, maximum: 3_600_000, default: 60_000, 'x-ui': { order: 2 } },
      cooldownMs: { type: 'integer', minimum: 100, maximum: 3_600_000, default: 30_000, 'x-ui': { order: 3 } },
      halfOpenProbes: { type: 'integer', minimum: 1, maximum: 100, default: 1, description: 'Calls let through at once while half-open.', 'x-ui': { order: 4 } },
      successesToClose: { type: 'integer', minimum: 1, maximum: 100, default: 1, 'x-ui': { order: 5 } },
      failOn: { ...errorMatchSchema, 'x-ui': { widget: 'error-match', order: 6, help: 'Which failures count; absent: retryable errors.' } },
      key: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        description: 'Share state under this name. Default: the target behind the breaker (or this node when several are).',
        'x-ui': { order: 7 },
      },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
