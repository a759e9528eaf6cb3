import type { NodeTypeManifest } from '@switchyard/spec';
import { REQUEST_HANDLE } from '../format';
import { IN, handleIdSchema } from './schema-parts';

export const conditionalManifest: NodeTypeManifest = {
  type: 'conditional',
  typeVersion: 1,
  title: 'Conditional',
  category: 'router',
  description:
    'Sends the request down the first rule whose condition holds, else down "default". Conditions read model, params, request, metadata, headers, key, user and time.',
  paramsSchema: {
    type: 'object',
    required: ['rules'],
    additionalProperties: false,
    properties: {
      rules: {
        type: 'array',
        maxItems: 32,
        items: {
          type: 'object',
          required: ['id', 'when'],
          additionalProperties: false,
          properties: {
            id: handleIdSchema,
            label: { type: 'string', maxLength: 80 },
            when: {
              type: 'string',
              format: 'sy-condition',
              minLength: 1,
              maxLength: 4000,
              'x-ui': { widget: 'expression', help: 'e.g. model startsWith "gpt-4" and user.tier == "gold"' },
            },
          },
        },
        'x-ui': { widget: 'rules', order: 1 },
      },
      timezone: {
        type: 'string',
        maxLength: 64,
        format: 'sy-timezone',
        description: 'IANA time zone for time.* (default UTC), e.g. Europe/Paris.',
        'x-ui': { order: 2 },
      },
    },
  },
  inputs: IN,
  outputs: [
    { id: 'rules', label: 'Rule', type: REQUEST_HANDLE, repeat: 'rules' },
    { id: 'default', label: 'Default', type: REQUEST_HANDLE },
  ],
};
