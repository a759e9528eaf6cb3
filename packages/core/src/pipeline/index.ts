/*
 * The server side of pipelines: everything in ./shared (browser-safe) plus the registry, the
 * compiler, the executor, the built-in node types and the in-memory stores.
 */

import type { NodeTypeDefinition } from '@switchyard/spec';
import { builtinNodeTypes } from './nodes';
import { NodeTypeRegistry } from './registry';

export * from './shared';
export { NodeTypeRegistry, checkNodeTypeDefinition } from './registry';
export type { RegisteredNodeType } from './registry';
export { compilePipeline, CompiledPipeline, PipelineValidationError } from './compile';
export type { CompiledNode, CompileOptions } from './compile';
export { runPipeline } from './executor';
export type { PipelineRunResult } from './executor';
export { ParamError, toGatewayError, compileErrorMatch, CLIENT_CLOSED } from './errors';
export type { ErrorMatch, ErrorMatcher } from './errors';
export { systemClock, sleep } from './clock';
export { openStream, chunksOf, assembleCompletion, completionAsChunks } from './stream';
export { MemoryRateLimitStore, MemoryCircuitStore, MemoryResponseCache, MemoryLatencyStore, createMemoryStores } from './stores/memory';
export { admitCall, reportCall, initialCircuit } from './stores/circuit';
export { estimatePromptTokens, promptChars } from './tokens';
export { builtinNodeTypes } from './nodes';

/** A registry with the built-in node types (add plugins with `follow` or `addPlugin`). */
export function createNodeTypeRegistry(extra: readonly NodeTypeDefinition[] = []): NodeTypeRegistry {
  return new NodeTypeRegistry([...builtinNodeTypes, ...extra]);
}
