import type { NodeTypeManifest } from '@switchyard/spec';
import { BRANCH_OUTPUTS, IN, branchesSchema, routerCommon } from './schema-parts';

export const lowestCostManifest: NodeTypeManifest = {
  type: 'lowest-cost',
  typeVersion: 1,
  title: 'Lowest cost',
  category: 'router',
  description:
    "Estimates what the request would cost on each branch's target (from the model prices) and tries the cheapest first. Branches whose price is unknown come last.",
  paramsSchema: {
    type: 'object',
    required: ['branches'],
    additionalProperties: false,
    properties: {
      branches: branchesSchema(),
      assumedOutputTokens: {
        type: 'integer',
        minimum: 0,
        maximum: 1_000_000,
        default: 256,
        description: 'Output tokens assumed when the request sets no max_tokens.',
        'x-ui': { order: 2 },
      },
      ...routerCommon,
    },
  },
  inputs: IN,
  outputs: BRANCH_OUTPUTS,
};
