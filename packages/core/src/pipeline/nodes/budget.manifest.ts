import type { NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT } from './schema-parts';

export const budgetManifest: NodeTypeManifest = {
  type: 'budget',
  typeVersion: 1,
  title: 'Budget check',
  category: 'governance',
  description: "Asks the server whether the key, user or project may still spend; refuses with 429 insufficient_quota when not.",
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      scope: { enum: ['key', 'user', 'project'], default: 'key', 'x-ui': { order: 1 } },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
