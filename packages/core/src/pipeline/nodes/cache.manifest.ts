import type { NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT } from './schema-parts';

export const cacheManifest: NodeTypeManifest = {
  type: 'cache',
  typeVersion: 1,
  title: 'Response cache',
  category: 'cache',
  description:
    'Answers a request seen before (same normalized request) from the cache; stores complete answers for ttlSeconds. A cached chat answer can be replayed as a stream.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ttlSeconds: { type: 'integer', minimum: 1, maximum: 2_592_000, default: 300, 'x-ui': { order: 1 } },
      scope: {
        enum: ['global', 'pipeline', 'key', 'user'],
        default: 'key',
        description: 'Who shares entries: key (default) keeps callers apart.',
        'x-ui': { order: 2 },
      },
      namespace: { type: 'string', maxLength: 100, description: 'Change it to start from an empty cache.', 'x-ui': { order: 3 } },
      replayChunkChars: {
        type: 'integer',
        minimum: 0,
        maximum: 100_000,
        default: 0,
        description: 'When replaying as a stream, split content into chunks of this many characters (0: one chunk).',
        'x-ui': { order: 4 },
      },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
