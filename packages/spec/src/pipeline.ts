import type { JsonSchema } from './plugins';

/**
 * Pipeline graph types. A pipeline is stored as domain JSON, not as editor state.
 * (Owned by the pipelines work; the executor's context types live in @switchyard/core.)
 */
export interface PipelineNode {
  id: string;
  type: string;
  typeVersion: number;
  params: Record<string, unknown>;
}

export interface PipelineEdge {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export interface PipelineGraph {
  schemaVersion: number;
  nodes: PipelineNode[];
  edges: PipelineEdge[];
  /** Editor positions, kept apart from the semantics. */
  layout?: Record<string, { x: number; y: number }>;
}

export interface HandleSpec {
  id: string;
  label?: string;
  /** Handles connect only when their types match. */
  type: string;
}

export interface NodeTypeManifest {
  type: string;
  typeVersion: number;
  title: string;
  category: 'router' | 'resilience' | 'governance' | 'transform' | 'cache' | 'script' | 'target' | 'terminal' | string;
  description?: string;
  paramsSchema: JsonSchema;
  inputs: HandleSpec[];
  outputs: HandleSpec[];
}

/** A node type: its manifest plus the function that runs it. The context type is the executor's. */
export interface NodeTypeDefinition<Ctx = any, Result = any> {
  manifest: NodeTypeManifest;
  execute(ctx: Ctx): Promise<Result> | Result;
}
