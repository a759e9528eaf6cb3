import type { NodeTypeManifest } from '@switchyard/spec';
import { BRANCH_OUTPUTS, IN, branchesSchema, routerCommon } from './schema-parts';

export const leastLatencyManifest: NodeTypeManifest = {
  type: 'least-latency',
  typeVersion: 1,
  title: 'Least latency',
  category: 'router',
  description:
    'Ranks its branches by a moving average of recent latency (time to first token for streams) and tries the fastest first. Branches with no samples yet are tried first.',
  paramsSchema: {
    type: 'object',
    required: ['branches'],
    additionalProperties: false,
    properties: {
      branches: branchesSchema(),
      metric: {
        enum: ['auto', 'latency', 'ttft'],
        default: 'auto',
        description: 'auto: time to first token for streams, whole latency otherwise.',
        'x-ui': { order: 2 },
      },
      exploreRate: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.05,
        description: 'Share of requests sent to a random branch first, to keep every average fresh.',
        'x-ui': { order: 3 },
      },
      failurePenaltyMs: {
        type: 'integer',
        minimum: 0,
        maximum: 600_000,
        default: 10_000,
        description: 'A failed call counts as a sample of at least this many ms.',
        'x-ui': { order: 4 },
      },
      ...routerCommon,
    },
  },
  inputs: IN,
  outputs: BRANCH_OUTPUTS,
};
