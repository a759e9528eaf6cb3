import type { NodeTypeManifest } from '@switchyard/spec';
import { budgetManifest } from './budget.manifest';
import { cacheManifest } from './cache.manifest';
import { circuitBreakerManifest } from './circuit-breaker.manifest';
import { conditionalManifest } from './conditional.manifest';
import { fallbackManifest } from './fallback.manifest';
import { guardManifest } from './guard.manifest';
import { leastLatencyManifest } from './least-latency.manifest';
import { lowestCostManifest } from './lowest-cost.manifest';
import { rateLimitManifest } from './rate-limit.manifest';
import { rejectManifest } from './reject.manifest';
import { replyManifest } from './reply.manifest';
import { retryManifest } from './retry.manifest';
import { scriptManifest } from './script.manifest';
import { targetManifest } from './target.manifest';
import { timeoutManifest } from './timeout.manifest';
import { transformManifest } from './transform.manifest';
import { weightedManifest } from './weighted.manifest';

/** The manifests of the built-in node types (browser-safe: no execute code). */
export const builtinManifests: readonly NodeTypeManifest[] = [
  conditionalManifest,
  fallbackManifest,
  weightedManifest,
  leastLatencyManifest,
  lowestCostManifest,
  retryManifest,
  timeoutManifest,
  circuitBreakerManifest,
  rateLimitManifest,
  budgetManifest,
  guardManifest,
  transformManifest,
  cacheManifest,
  scriptManifest,
  targetManifest,
  replyManifest,
  rejectManifest,
];

export {
  budgetManifest,
  cacheManifest,
  circuitBreakerManifest,
  conditionalManifest,
  fallbackManifest,
  guardManifest,
  leastLatencyManifest,
  lowestCostManifest,
  rateLimitManifest,
  rejectManifest,
  replyManifest,
  retryManifest,
  scriptManifest,
  targetManifest,
  timeoutManifest,
  transformManifest,
  weightedManifest,
};
