import type { HandleSpec, JsonSchema, NodeCategory, NodeContext, NodeOutcome, NodeTypeDefinition, PrepareEnv } from '@switchyard/spec';
import type { SchemaValue } from './schema-types';

/** The handle type every built-in node uses: "a request flows here". */
export const REQUEST_HANDLE_TYPE = 'request';

/** One input `in` and one output `next`, both carrying requests: the shape of a pass-through node. */
export function requestHandles(): { inputs: HandleSpec[]; outputs: HandleSpec[] } {
  return {
    inputs: [{ id: 'in', type: REQUEST_HANDLE_TYPE }],
    outputs: [{ id: 'next', type: REQUEST_HANDLE_TYPE }],
  };
}

export interface NodeTypeOptions<S, State> {
  /** Prefix plugin types with your plugin's name (`acme.moderation`) so they never clash. */
  type: string;
  /** Raise it when params or behaviour change incompatibly; keep the old version registered too. Default 1. */
  typeVersion?: number;
  title: string;
  category: NodeCategory | (string & {});
  description?: string;
  /** Written `as const` (or with defineSchema), so `params` below gets its type from it. */
  paramsSchema: S;
  /** Default: `in` (request). */
  inputs?: HandleSpec[];
  /** Default: `next` (request). Pass `[]` for a sink (a node that answers by itself). */
  outputs?: HandleSpec[];
  prepare?(params: SchemaValue<S>, env: PrepareEnv): State | Promise<State>;
  execute(ctx: NodeContext<SchemaValue<S>, State>): Promise<NodeOutcome>;
  dispose?(state: State): void | Promise<void>;
}

/**
 * Builds a node type definition with `params` typed from its JSON Schema and the usual
 * request handles filled in. The result is what a node plugin lists in `nodeTypes`.
 */
export function defineNodeType<const S extends JsonSchema, State = undefined>(options: NodeTypeOptions<S, State>): NodeTypeDefinition<SchemaValue<S>, State> {
  const handles = requestHandles();
  const definition: NodeTypeDefinition<SchemaValue<S>, State> = {
    manifest: {
      type: options.type,
      typeVersion: options.typeVersion ?? 1,
      title: options.title,
      category: options.category,
      ...(options.description === undefined ? {} : { description: options.description }),
      paramsSchema: options.paramsSchema,
      inputs: options.inputs ?? handles.inputs,
      outputs: options.outputs ?? handles.outputs,
    },
    execute: options.execute,
  };
  if (options.prepare) definition.prepare = options.prepare;
  if (options.dispose) definition.dispose = options.dispose;
  return definition;
}
