import type { JsonSchema, NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT } from './schema-parts';

/** Fields a transform may not touch: the server owns streaming, and messages change through templates. */
export const PROTECTED_FIELDS = ['stream', 'stream_options', 'messages'];

const fieldMap: JsonSchema = { type: 'object', propertyNames: { not: { enum: PROTECTED_FIELDS } } };

export const transformManifest: NodeTypeManifest = {
  type: 'transform',
  typeVersion: 1,
  title: 'Transform',
  category: 'transform',
  description:
    'Changes the request for what follows: overrides and defaults for parameters, removed fields, model mapping, and a system prompt template with {{var}} placeholders.',
  paramsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      set: { ...fieldMap, description: 'Fields set on the request (overriding the client).', 'x-ui': { widget: 'json', order: 1 } },
      defaults: { ...fieldMap, description: 'Fields set only when the client did not.', 'x-ui': { widget: 'json', order: 2 } },
      remove: { type: 'array', items: { type: 'string', not: { enum: PROTECTED_FIELDS } }, uniqueItems: true, 'x-ui': { order: 3 } },
      model: { type: 'string', minLength: 1, maxLength: 200, description: 'Replace the model.', 'x-ui': { widget: 'model', order: 4 } },
      modelMap: {
        type: 'object',
        additionalProperties: { type: 'string', minLength: 1, maxLength: 200 },
        description: 'Rename models: {"from": "to"}; "*" matches any model not listed.',
        'x-ui': { widget: 'key-value', order: 5 },
      },
      system: {
        type: 'object',
        required: ['template'],
        additionalProperties: false,
        properties: {
          template: { type: 'string', format: 'sy-template', maxLength: 20_000, 'x-ui': { widget: 'textarea' } },
          mode: { enum: ['prepend', 'append', 'replace'], default: 'prepend', description: 'replace drops the client system messages.' },
        },
        'x-ui': { order: 6 },
      },
      renderMessages: {
        type: 'boolean',
        default: false,
        description: "Fill {{var}} placeholders inside the client's own messages too.",
        'x-ui': { order: 7 },
      },
      variables: {
        type: 'object',
        additionalProperties: { type: ['string', 'number', 'boolean'] },
        description: 'Values for {{name}} placeholders (request metadata fills the rest).',
        'x-ui': { widget: 'key-value', order: 8 },
      },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
