import type { Edge, Node } from '@xyflow/react';
import { indexManifests, resolveHandles, type NodeTypeManifest, type PipelineEdge, type PipelineGraph, type PipelineIssue, type PipelineNode, type ResolvedHandles } from '@switchyard/core/pipeline';
import type { NodeRun } from './trace';

/*
 * The editor keeps React Flow's state (positions, selection, measured sizes) apart from the
 * stored domain JSON. These two functions are the only bridge: graphToFlow draws a stored graph,
 * flowToGraph turns what is on the canvas back into the stored format.
 */

export interface PipelineNodeData extends Record<string, unknown> {
  node: PipelineNode;
  manifest?: NodeTypeManifest;
  handles: ResolvedHandles;
  issues: PipelineIssue[];
  /** The runs of this node in the last test run (absent: no test run shown). */
  runs?: NodeRun[];
  /** A test run is shown and this node did not run. */
  idle?: boolean;
}

export type FlowNode = Node<PipelineNodeData, 'pipeline'>;
export type FlowEdge = Edge<{ ran?: boolean; failed?: boolean }>;

export const edgeId = (e: PipelineEdge) => `${e.source}:${e.sourceHandle}->${e.target}:${e.targetHandle}`;

export function nodeData(node: PipelineNode, manifests: readonly NodeTypeManifest[]): PipelineNodeData {
  const manifest = indexManifests(manifests).get(node.type, node.typeVersion);
  const handles: ResolvedHandles = manifest ? resolveHandles(node, manifest) : { inputs: [{ id: 'in', label: 'in', type: 'any' }], outputs: [], problems: [] };
  return { node, manifest, handles, issues: [] };
}

/** A canvas node for a domain node; keyboard users reach it with Tab and select it with Enter. */
export function flowNode(node: PipelineNode, position: { x: number; y: number }, manifests: readonly NodeTypeManifest[]): FlowNode {
  const data = nodeData(node, manifests);
  return { id: node.id, type: 'pipeline', position, data, ariaLabel: `${data.manifest?.title ?? node.type} node ${node.id}` };
}

export function graphToFlow(graph: PipelineGraph, manifests: readonly NodeTypeManifest[]): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const nodes: FlowNode[] = graph.nodes.map((node, i) => flowNode(node, graph.layout?.[node.id] ?? { x: 260 * i, y: 0 }, manifests));
  const edges: FlowEdge[] = graph.edges.map((e) => ({ id: edgeId(e), source: e.source, sourceHandle: e.sourceHandle, target: e.target, targetHandle: e.targetHandle }));
  return { nodes, edges };
}

export function flowToGraph(nodes: readonly FlowNode[], edges: readonly FlowEdge[], schemaVersion = 1): PipelineGraph {
  return {
    schemaVersion,
    nodes: nodes.map((n) => n.data.node),
    edges: edges.map((e) => ({ source: e.source, sourceHandle: e.sourceHandle ?? '', target: e.target, targetHandle: e.targetHandle ?? '' })),
    layout: Object.fromEntries(nodes.map((n) => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }])),
  };
}

/** A node id not used yet, from the type's name: `fallback`, `fallback-2`, … */
export function freshNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 56) || 'node';
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Starting params for a new node: required arrays get one element, so routers start with a branch. */
export function initialParams(manifest: NodeTypeManifest): Record<string, unknown> {
  const schema = manifest.paramsSchema as { properties?: Record<string, { type?: unknown; items?: { required?: string[] } }>; required?: string[] };
  const params: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const prop = schema.properties?.[name];
    if (prop?.type === 'array') params[name] = prop.items?.required?.includes('id') ? [{ id: name === 'branches' ? 'primary' : `${name.replace(/s$/, '')}1` }] : [];
  }
  if (manifest.type === 'fallback' || manifest.type === 'weighted' || manifest.type === 'least-latency' || manifest.type === 'lowest-cost') {
    const branches = [{ id: 'primary' }, { id: 'backup' }];
    params.branches = manifest.type === 'weighted' ? branches.map((b) => ({ ...b, weight: 1 })) : branches;
  }
  return params;
}

/** Renames a node everywhere it appears (edges, layout). */
export function renameNode(nodes: FlowNode[], edges: FlowEdge[], from: string, to: string): { nodes: FlowNode[]; edges: FlowEdge[] } {
  return {
    nodes: nodes.map((n) => (n.id === from ? { ...n, id: to, ariaLabel: n.ariaLabel?.replace(new RegExp(`${from}$`), to), data: { ...n.data, node: { ...n.data.node, id: to } } } : n)),
    edges: edges.map((e) => {
      if (e.source !== from && e.target !== from) return e;
      const next = { ...e, source: e.source === from ? to : e.source, target: e.target === from ? to : e.target };
      return { ...next, id: edgeId({ source: next.source, sourceHandle: next.sourceHandle ?? '', target: next.target, targetHandle: next.targetHandle ?? '' }) };
    }),
  };
}
