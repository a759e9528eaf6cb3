import type { NodeTypeDefinition } from '@switchyard/spec';
import { budgetNode } from './budget';
import { cacheNode } from './cache';
import { circuitBreakerNode } from './circuit-breaker';
import { conditionalNode } from './conditional';
import { fallbackNode } from './fallback';
import { guardNode } from './guard';
import { leastLatencyNode } from './least-latency';
import { lowestCostNode } from './lowest-cost';
import { rateLimitNode } from './rate-limit';
import { rejectNode } from './reject';
import { replyNode } from './reply';
import { retryNode } from './retry';
import { scriptNode } from './script';
import { targetNode } from './target';
import { timeoutNode } from './timeout';
import { transformNode } from './transform';
import { weightedNode } from './weighted';

/** The built-in node types with their execute code (server side). */
export const builtinNodeTypes: readonly NodeTypeDefinition[] = [
  conditionalNode,
  fallbackNode,
  weightedNode,
  leastLatencyNode,
  lowestCostNode,
  retryNode,
  timeoutNode,
  circuitBreakerNode,
  rateLimitNode,
  budgetNode,
  guardNode,
  transformNode,
  cacheNode,
  scriptNode,
  targetNode,
  replyNode,
  rejectNode,
];

export {
  budgetNode,
  cacheNode,
  circuitBreakerNode,
  conditionalNode,
  fallbackNode,
  guardNode,
  leastLatencyNode,
  lowestCostNode,
  rateLimitNode,
  rejectNode,
  replyNode,
  retryNode,
  scriptNode,
  targetNode,
  timeoutNode,
  transformNode,
  weightedNode,
};
