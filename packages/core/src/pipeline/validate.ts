import type { NodeTypeManifest, PipelineEdge, PipelineGraph, PipelineIssue, PipelineNode } from '@switchyard/spec';
import { MAX_EDGES, MAX_NODES, ID_RE, SUPPORTED_SCHEMA_VERSIONS, handleTypesMatch, indexManifests, isSink, type ManifestSource } from './format';
import { buildAdjacency, findCycles } from './graph';
import { resolveHandles, type ResolvedHandles } from './handles';
import { checkParams } from './params-schema';

/*
 * The one pipeline validator, run by the editor as the graph changes and by the server before
 * it stores or compiles a graph. Browser-safe. It reports every problem it can find, each
 * pointing at a node (or edge) and a field, rather than stopping at the first.
 */

export interface ValidationResult {
  ok: boolean;
  issues: PipelineIssue[];
}

/** A node that passed the shape checks, with its manifest and handles when its type is known. */
export interface CheckedNode {
  node: PipelineNode;
  manifest?: NodeTypeManifest;
  handles?: ResolvedHandles;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkNodeShape(raw: unknown, index: number, issues: PipelineIssue[]): PipelineNode | undefined {
  if (!isObject(raw)) {
    issues.push({ code: 'invalid_node', field: `nodes[${index}]`, message: `nodes[${index}] must be an object` });
    return undefined;
  }
  const id = raw.id;
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    issues.push({ code: 'invalid_node', field: 'id', message: `nodes[${index}].id must be 1-64 letters, digits, _ or -` });
    return undefined;
  }
  let ok = true;
  if (typeof raw.type !== 'string' || raw.type === '') {
    issues.push({ code: 'invalid_node', nodeId: id, field: 'type', message: 'type must be a non-empty string' });
    ok = false;
  }
  if (typeof raw.typeVersion !== 'number' || !Number.isInteger(raw.typeVersion) || raw.typeVersion < 1) {
    issues.push({ code: 'invalid_node', nodeId: id, field: 'typeVersion', message: 'typeVersion must be a positive integer' });
    ok = false;
  }
  if (!isObject(raw.params)) {
    issues.push({ code: 'invalid_node', nodeId: id, field: 'params', message: 'params must be an object' });
    ok = false;
  }
  return ok ? (raw as unknown as PipelineNode) : undefined;
}

function checkNodeType(node: PipelineNode, index: ReturnType<typeof indexManifests>, issues: PipelineIssue[]): CheckedNode {
  const manifest = index.get(node.type, node.typeVersion);
  if (!manifest) {
    const versions = index.versions(node.type);
    if (versions.length === 0) {
      issues.push({ code: 'unknown_node_type', nodeId: node.id, field: 'type', message: `unknown node type '${node.type}'` });
    } else {
      issues.push({
        code: 'unknown_type_version',
        nodeId: node.id,
        field: 'typeVersion',
        message: `'${node.type}' has no version ${node.typeVersion} (known: ${versions.join(', ')})`,
      });
    }
    return { node };
  }
  const paramFields = new Set<string>();
  for (const p of checkParams(manifest.paramsSchema, node.params)) {
    paramFields.add(p.field);
    issues.push({ code: 'invalid_params', nodeId: node.id, field: p.field, message: `${p.field} ${p.message}` });
  }
  const handles = resolveHandles(node, manifest);
  for (const p of handles.problems) {
    if (p.code === 'invalid_params' && paramFields.has(p.field)) continue; // already said by the schema
    issues.push({ code: p.code, nodeId: node.id, field: p.field, message: `${p.field}: ${p.message}` });
  }
  return { node, manifest, handles };
}

function checkEdgeShape(raw: unknown, index: number, issues: PipelineIssue[]): PipelineEdge | undefined {
  if (!isObject(raw)) {
    issues.push({ code: 'invalid_edge', edgeIndex: index, message: `edges[${index}] must be an object` });
    return undefined;
  }
  for (const f of ['source', 'sourceHandle', 'target', 'targetHandle'] as const) {
    if (typeof raw[f] !== 'string' || raw[f] === '') {
      issues.push({ code: 'invalid_edge', edgeIndex: index, field: f, message: `edges[${index}].${f} must be a non-empty string` });
      return undefined;
    }
  }
  return raw as unknown as PipelineEdge;
}

/** Checks an edge against the nodes it joins; returns true when it can be used for the structure checks. */
function checkEdgeEnds(edge: PipelineEdge, index: number, nodes: Map<string, CheckedNode>, used: Map<string, number>, issues: PipelineIssue[]): boolean {
  const src = nodes.get(edge.source);
  const dst = nodes.get(edge.target);
  if (!src) issues.push({ code: 'unknown_node', edgeIndex: index, field: 'source', message: `edges[${index}] starts at unknown node '${edge.source}'` });
  if (!dst) issues.push({ code: 'unknown_node', edgeIndex: index, field: 'target', message: `edges[${index}] ends at unknown node '${edge.target}'` });
  if (!src || !dst) return false;
  const out = src.handles?.outputs.find((h) => h.id === edge.sourceHandle);
  const inp = dst.handles?.inputs.find((h) => h.id === edge.targetHandle);
  if (src.handles && !out) {
    const known = src.handles.outputs.map((h) => h.id).join(', ') || 'none';
    issues.push({ code: 'unknown_handle', edgeIndex: index, nodeId: src.node.id, field: 'sourceHandle', message: `node '${src.node.id}' has no output '${edge.sourceHandle}' (outputs: ${known})` });
  }
  if (dst.handles && !inp) {
    const known = dst.handles.inputs.map((h) => h.id).join(', ') || 'none';
    issues.push({ code: 'unknown_handle', edgeIndex: index, nodeId: dst.node.id, field: 'targetHandle', message: `node '${dst.node.id}' has no input '${edge.targetHandle}' (inputs: ${known})` });
  }
  if (out && inp && !handleTypesMatch(out.type, inp.type)) {
    issues.push({
      code: 'handle_type_mismatch',
      edgeIndex: index,
      nodeId: dst.node.id,
      field: 'targetHandle',
      message: `output '${out.id}' of '${src.node.id}' carries '${out.type}' but input '${inp.id}' of '${dst.node.id}' takes '${inp.type}'`,
    });
  }
  const key = `${edge.source}\u0000${edge.sourceHandle}`;
  const first = used.get(key);
  if (first !== undefined) {
    issues.push({
      code: 'output_already_connected',
      edgeIndex: index,
      nodeId: src.node.id,
      field: 'sourceHandle',
      message: `output '${edge.sourceHandle}' of '${src.node.id}' is already connected (edges[${first}]); an output leads to exactly one node`,
    });
  } else {
    used.set(key, index);
  }
  return true;
}

function checkStructure(nodes: Map<string, CheckedNode>, edges: PipelineEdge[], used: Map<string, number>, issues: PipelineIssue[]): void {
  const adj = buildAdjacency(nodes.keys(), edges);
  for (const cycle of findCycles(adj)) {
    issues.push({ code: 'cycle', nodeId: cycle[0], message: `nodes ${cycle.map((id) => `'${id}'`).join(' -> ')} form a cycle` });
  }
  const incoming = new Set(edges.map((e) => e.target));
  const entries = [...nodes.keys()].filter((id) => !incoming.has(id));
  if (nodes.size === 0) {
    issues.push({ code: 'no_entry', message: 'the pipeline has no nodes' });
  } else if (entries.length === 0) {
    issues.push({ code: 'no_entry', message: 'every node has an incoming edge, so there is no entry node' });
  } else if (entries.length > 1) {
    const list = entries.map((id) => `'${id}'`).join(', ');
    for (const id of entries) {
      issues.push({ code: 'multiple_entries', nodeId: id, message: `'${id}' has no incoming edge; a pipeline has exactly one entry node (candidates: ${list})` });
    }
  }
  for (const { node, manifest, handles } of nodes.values()) {
    if (!manifest || !handles) continue;
    if (!isSink(manifest) && handles.outputs.length === 0) {
      issues.push({ code: 'unconnected_output', nodeId: node.id, field: 'outputs', message: `'${node.id}' has no outputs configured, so requests would stop there` });
    }
    for (const h of handles.outputs) {
      if (!used.has(`${node.id}\u0000${h.id}`)) {
        issues.push({
          code: 'unconnected_output',
          nodeId: node.id,
          field: `outputs.${h.id}`,
          message: `output '${h.label}' of '${node.id}' is not connected; every path must end in a target or a terminal node`,
        });
      }
    }
  }
}

/**
 * Validates a pipeline graph against the node types it may use. `nodeTypes` are manifests
 * (as the server lists them), so the editor can run this with what it fetched.
 */
export function validatePipeline(graph: unknown, nodeTypes: ManifestSource): ValidationResult {
  return inspectPipeline(graph, nodeTypes).result;
}

/** validatePipeline, plus the checked nodes and usable edges (the compiler builds on them). */
export function inspectPipeline(graph: unknown, nodeTypes: ManifestSource): { result: ValidationResult; nodes: Map<string, CheckedNode>; edges: PipelineEdge[] } {
  const issues: PipelineIssue[] = [];
  const nodes = new Map<string, CheckedNode>();
  const edges: PipelineEdge[] = [];
  const done = () => ({ result: { ok: issues.length === 0, issues }, nodes, edges });

  if (!isObject(graph)) {
    issues.push({ code: 'invalid_graph', message: 'a pipeline must be an object with schemaVersion, nodes and edges' });
    return done();
  }
  const g = graph as Partial<PipelineGraph>;
  if (typeof g.schemaVersion !== 'number' || !SUPPORTED_SCHEMA_VERSIONS.includes(g.schemaVersion)) {
    issues.push({ code: 'unsupported_schema_version', field: 'schemaVersion', message: `schemaVersion must be one of ${SUPPORTED_SCHEMA_VERSIONS.join(', ')}` });
  }
  if (!Array.isArray(g.nodes)) issues.push({ code: 'invalid_graph', field: 'nodes', message: 'nodes must be an array' });
  if (!Array.isArray(g.edges)) issues.push({ code: 'invalid_graph', field: 'edges', message: 'edges must be an array' });
  if (g.layout !== undefined && !isObject(g.layout)) issues.push({ code: 'invalid_graph', field: 'layout', message: 'layout must be an object' });
  if (!Array.isArray(g.nodes) || !Array.isArray(g.edges)) return done();
  if (g.nodes.length > MAX_NODES || g.edges.length > MAX_EDGES) {
    issues.push({ code: 'too_large', message: `a pipeline may have at most ${MAX_NODES} nodes and ${MAX_EDGES} edges` });
    return done();
  }

  const index = indexManifests(nodeTypes);
  g.nodes.forEach((raw, i) => {
    const node = checkNodeShape(raw, i, issues);
    if (!node) return;
    if (nodes.has(node.id)) {
      issues.push({ code: 'duplicate_node_id', nodeId: node.id, field: 'id', message: `node id '${node.id}' is used by more than one node (nodes[${i}])` });
      return;
    }
    nodes.set(node.id, checkNodeType(node, index, issues));
  });

  const used = new Map<string, number>();
  g.edges.forEach((raw, i) => {
    const edge = checkEdgeShape(raw, i, issues);
    if (edge && checkEdgeEnds(edge, i, nodes, used, issues)) edges.push(edge);
  });
  checkStructure(nodes, edges, used, issues);
  return done();
}
