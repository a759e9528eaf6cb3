import type { NodeTypeManifest } from '@switchyard/spec';
import { IN, NEXT } from './schema-parts';

export const GUARD_PRESETS = ['email', 'credit-card', 'api-key', 'phone', 'ipv4', 'us-ssn'] as const;

export const guardManifest: NodeTypeManifest = {
  type: 'guard',
  typeVersion: 1,
  title: 'Guard',
  category: 'governance',
  description:
    'Checks request and/or response text against patterns: blocks (400 with the rule message) or redacts. For streams, matches split across chunks are still redacted: text is held back by at most `streamWindow` characters.',
  paramsSchema: {
    type: 'object',
    required: ['rules'],
    additionalProperties: false,
    properties: {
      direction: { enum: ['request', 'response', 'both'], default: 'both', 'x-ui': { order: 1 } },
      rules: {
        type: 'array',
        minItems: 1,
        maxItems: 64,
        items: {
          type: 'object',
          required: ['action'],
          additionalProperties: false,
          oneOf: [{ required: ['pattern'] }, { required: ['preset'] }],
          properties: {
            label: { type: 'string', maxLength: 80 },
            pattern: { type: 'string', format: 'sy-regex', minLength: 1, maxLength: 2000, 'x-ui': { widget: 'regex' } },
            flags: { type: 'string', pattern: '^(?!.*(.).*\\1)[imsu]*$', description: 'Any of i, m, s, u.' },
            preset: { enum: [...GUARD_PRESETS] },
            action: { enum: ['block', 'redact'] },
            replacement: { type: 'string', maxLength: 200, default: '[REDACTED]' },
            message: { type: 'string', maxLength: 500, description: 'Shown to the client when this rule blocks.' },
          },
        },
        'x-ui': { widget: 'rules', order: 2 },
      },
      roles: {
        type: 'array',
        items: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
        uniqueItems: true,
        description: 'Chat messages checked in the request (default: all).',
        'x-ui': { order: 3 },
      },
      streamWindow: {
        type: 'integer',
        minimum: 16,
        maximum: 4096,
        default: 256,
        description: 'Longest match guaranteed to be caught across stream chunks; also the most text held back.',
        'x-ui': { order: 4 },
      },
    },
  },
  inputs: IN,
  outputs: NEXT,
};
