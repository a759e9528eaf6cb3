import type { NodeTypeManifest } from '@switchyard/spec';
import { BRANCH_OUTPUTS, IN, branchesSchema, errorMatchSchema } from './schema-parts';

export const fallbackManifest: NodeTypeManifest = {
  type: 'fallback',
  typeVersion: 1,
  title: 'Fallback',
  category: 'router',
  description: 'Tries its branches in order; moves to the next one when a branch fails with a matching error (by default: retryable errors).',
  paramsSchema: {
    type: 'object',
    required: ['branches'],
    additionalProperties: false,
    properties: {
      branches: branchesSchema(),
      fallbackOn: { ...errorMatchSchema, 'x-ui': { widget: 'error-match', order: 2, help: 'Which failures move on; absent: retryable errors.' } },
    },
  },
  inputs: IN,
  outputs: BRANCH_OUTPUTS,
};
