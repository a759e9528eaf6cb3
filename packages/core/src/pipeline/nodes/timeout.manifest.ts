import type { NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT } from './schema-parts';

export const timeoutManifest: NodeTypeManifest = {
  type: 'timeout',
  typeVersion: 1,
  title: 'Timeout',
  category: 'resilience',
  description:
    'Aborts what follows when the first token (ttftMs) or the whole answer (totalMs) takes too long, with a retryable 504 so a fallback or retry above can act. Without a stream, the first token is the whole answer.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      ttftMs: { type: 'integer', minimum: 1, maximum: 600_000, description: 'Time to first token.', 'x-ui': { order: 1 } },
      totalMs: { type: 'integer', minimum: 1, maximum: 3_600_000, description: 'Time to the end of the answer.', 'x-ui': { order: 2 } },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
