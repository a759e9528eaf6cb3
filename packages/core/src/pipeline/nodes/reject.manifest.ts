import type { NodeTypeManifest } from '@switchyard/spec';
import { IN } from './schema-parts';

export const rejectManifest: NodeTypeManifest = {
  type: 'reject',
  typeVersion: 1,
  title: 'Reject',
  category: 'terminal',
  description: 'Refuses the request with an OpenAI-shaped error.',
  paramsSchema: {
    type: 'object',
    required: ['message'],
    additionalProperties: false,
    properties: {
      status: { type: 'integer', minimum: 400, maximum: 599, default: 403, 'x-ui': { order: 1 } },
      message: { type: 'string', minLength: 1, maxLength: 1000, 'x-ui': { order: 2 } },
      type: {
        enum: ['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'rate_limit_error', 'insufficient_quota', 'server_error'],
        description: 'Default: from the status.',
        'x-ui': { order: 3 },
      },
      code: { type: 'string', maxLength: 100, 'x-ui': { order: 4 } },
    },
  },
  inputs: IN,
  outputs: [],
};
