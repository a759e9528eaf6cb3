import type { NodeTypeDefinition, PipelineEdge, PipelineGraph, PipelineHost, PipelineInput, PipelineIssue, PrepareEnv, TargetSpec } from '@switchyard/spec';
import { runPipeline, type PipelineRunResult } from './executor';
import type { NodeTypeRegistry } from './registry';
import { inspectPipeline, type CheckedNode } from './validate';

export { ParamError } from './errors';

/*
 * Compiling turns a validated graph into the object the server caches and runs per request:
 * nodes linked directly to the nodes behind each output, params prepared once (conditions
 * parsed, regexes built, scripts compiled), nothing left to look up by name on the hot path.
 */

export class PipelineValidationError extends Error {
  override name = 'PipelineValidationError';

  constructor(readonly issues: PipelineIssue[]) {
    super(`the pipeline is invalid: ${issues.map((i) => (i.nodeId ? `${i.nodeId}: ${i.message}` : i.message)).join('; ')}`);
  }
}

export interface CompiledNode {
  readonly id: string;
  readonly type: string;
  readonly typeVersion: number;
  readonly definition: NodeTypeDefinition;
  readonly params: Record<string, unknown>;
  /** What the definition's `prepare` returned. */
  state: unknown;
  /** The node behind each output handle. */
  readonly outputs: Record<string, CompiledNode>;
}

export interface CompileOptions {
  /** Names the pipeline (and version) in rate-limit scopes, cache scopes and node-scoped keys. */
  pipelineId?: string;
}

export class CompiledPipeline {
  private disposed = false;

  constructor(
    readonly graph: PipelineGraph,
    readonly entry: CompiledNode,
    readonly nodes: ReadonlyMap<string, CompiledNode>,
    readonly pipelineId: string | undefined,
  ) {}

  /** Runs the pipeline for one request. Never throws: failures come back as `{ok: false, error}`. */
  run(input: PipelineInput, host: PipelineHost): Promise<PipelineRunResult> {
    return runPipeline(this, input, host);
  }

  /** Frees prepared resources (script isolates). Call when the cached pipeline is replaced. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all([...this.nodes.values()].map(async (n) => n.definition.dispose?.(n.state)));
  }
}

function isTargetNode(c: CheckedNode): boolean {
  return c.manifest?.category === 'target' && typeof c.node.params.provider === 'string';
}

/** What the graph says about a node's surroundings, for `prepare`. */
function makeEnv(nodeId: string, nodes: Map<string, CheckedNode>, edgesFrom: Map<string, PipelineEdge[]>, pipelineId: string | undefined): PrepareEnv {
  const checked = nodes.get(nodeId)!;
  const outputs = checked.handles?.outputs.map((h) => h.id) ?? [];
  const nextOf = (id: string, handle: string) => edgesFrom.get(id)?.find((e) => e.sourceHandle === handle)?.target;

  const walkFrom = (start: string) => {
    const targets: TargetSpec[] = [];
    let otherSinks = 0;
    const seen = new Set<string>();
    const visit = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      const c = nodes.get(id);
      if (!c) return;
      if (isTargetNode(c)) {
        const p = c.node.params as unknown as TargetSpec;
        targets.push({ provider: p.provider, model: p.model, credentialId: p.credentialId, params: p.params });
        return;
      }
      const outs = c.handles?.outputs ?? [];
      if (outs.length === 0) otherSinks++;
      for (const h of outs) {
        const next = nextOf(id, h.id);
        if (next) visit(next);
      }
    };
    visit(start);
    return { targets, otherSinks };
  };

  return {
    nodeId,
    pipelineId,
    outputs,
    targetsBehind(handle) {
      const start = nextOf(nodeId, handle);
      return start ? walkFrom(start).targets : [];
    },
    keyBehind(handle) {
      const start = nextOf(nodeId, handle);
      if (start) {
        const { targets, otherSinks } = walkFrom(start);
        const only = targets.length === 1 && otherSinks === 0 ? targets[0] : undefined;
        if (only?.model) return `target:${only.provider}/${only.model}${only.credentialId ? `#${only.credentialId}` : ''}`;
      }
      return `node:${pipelineId ?? '-'}:${nodeId}:${handle}`;
    },
  };
}

/**
 * Validates and compiles a graph with the registry's node types. Throws PipelineValidationError
 * (with every issue) when the graph is invalid or a node's params cannot be prepared.
 */
export async function compilePipeline(graph: PipelineGraph, registry: NodeTypeRegistry, options: CompileOptions = {}): Promise<CompiledPipeline> {
  const { result, nodes, edges } = inspectPipeline(graph, registry.manifests());
  if (!result.ok) throw new PipelineValidationError(result.issues);

  const edgesFrom = new Map<string, PipelineEdge[]>();
  for (const e of edges) {
    const list = edgesFrom.get(e.source) ?? [];
    list.push(e);
    edgesFrom.set(e.source, list);
  }
  const compiled = new Map<string, CompiledNode>();
  for (const { node } of nodes.values()) {
    compiled.set(node.id, {
      id: node.id,
      type: node.type,
      typeVersion: node.typeVersion,
      definition: registry.get(node.type, node.typeVersion)!,
      params: node.params,
      state: undefined,
      outputs: Object.create(null) as Record<string, CompiledNode>,
    });
  }
  for (const e of edges) compiled.get(e.source)!.outputs[e.sourceHandle] = compiled.get(e.target)!;

  const issues: PipelineIssue[] = [];
  const prepared: CompiledNode[] = [];
  await Promise.all(
    [...compiled.values()].map(async (c) => {
      if (!c.definition.prepare) return;
      try {
        c.state = await c.definition.prepare(c.params, makeEnv(c.id, nodes, edgesFrom, options.pipelineId));
        prepared.push(c);
      } catch (err) {
        const field = (err as { field?: unknown }).field;
        issues.push({ code: 'prepare_failed', nodeId: c.id, field: typeof field === 'string' ? field : 'params', message: (err as Error).message });
      }
    }),
  );
  if (issues.length > 0) {
    await Promise.all(prepared.map(async (c) => c.definition.dispose?.(c.state)));
    throw new PipelineValidationError(issues);
  }

  const incoming = new Set(edges.map((e) => e.target));
  const entry = [...compiled.values()].find((c) => !incoming.has(c.id))!;
  return new CompiledPipeline(graph, entry, compiled, options.pipelineId);
}
