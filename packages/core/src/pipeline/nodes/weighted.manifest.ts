import type { NodeTypeManifest } from '@switchyard/spec';
import { BRANCH_OUTPUTS, IN, branchesSchema, routerCommon } from './schema-parts';

export const weightedManifest: NodeTypeManifest = {
  type: 'weighted',
  typeVersion: 1,
  title: 'Weighted load balance',
  category: 'router',
  description: 'Picks a branch at random in proportion to its weight; on failure, picks among the rest.',
  paramsSchema: {
    type: 'object',
    required: ['branches'],
    additionalProperties: false,
    properties: {
      branches: branchesSchema({ weight: { type: 'number', minimum: 0, maximum: 1_000_000, default: 1 } }, ['weight']),
      sticky: {
        enum: ['none', 'key', 'user'],
        default: 'none',
        description: 'Send the same key (or user) to the same branch while the weights stay the same.',
        'x-ui': { order: 2 },
      },
      ...routerCommon,
    },
  },
  inputs: IN,
  outputs: BRANCH_OUTPUTS,
};
