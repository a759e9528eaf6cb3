import type { NodeTypeManifest } from '@switchyard/spec';
import { IN } from './schema-parts';

export const targetManifest: NodeTypeManifest = {
  type: 'target',
  typeVersion: 1,
  title: 'Target',
  category: 'target',
  description: "Calls a provider's model. Without a model, the request's model (after transforms) is used.",
  paramsSchema: {
    type: 'object',
    required: ['provider'],
    additionalProperties: false,
    properties: {
      provider: { type: 'string', minLength: 1, maxLength: 100, description: 'A configured provider instance.', 'x-ui': { widget: 'provider', order: 1 } },
      model: { type: 'string', minLength: 1, maxLength: 200, description: "The upstream's model id.", 'x-ui': { widget: 'model', order: 2 } },
      credentialId: { type: 'string', minLength: 1, maxLength: 100, 'x-ui': { widget: 'credential', order: 3 } },
      params: {
        type: 'object',
        propertyNames: { not: { enum: ['stream', 'stream_options', 'messages', 'model'] } },
        description: 'Request fields overridden for this target.',
        'x-ui': { widget: 'json', order: 4 },
      },
    },
  },
  inputs: IN,
  outputs: [],
};
