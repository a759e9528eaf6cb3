import type { NodeTypeManifest } from '@switchyard/spec';
import { IN } from './schema-parts';

export const replyManifest: NodeTypeManifest = {
  type: 'reply',
  typeVersion: 1,
  title: 'Fixed reply',
  category: 'terminal',
  description: 'Answers a chat request with a fixed assistant message ({{var}} placeholders allowed), without calling a provider.',
  paramsSchema: {
    type: 'object',
    required: ['content'],
    additionalProperties: false,
    properties: {
      content: { type: 'string', format: 'sy-template', maxLength: 20_000, 'x-ui': { widget: 'textarea', order: 1 } },
      model: { type: 'string', maxLength: 200, description: "The model name in the answer (default: the request's).", 'x-ui': { order: 2 } },
    },
  },
  inputs: IN,
  outputs: [],
};
