import type { PipelineEdge, PipelineGraph, PipelineIssueCode } from '@switchyard/spec';
import { handleTypesMatch, indexManifests, type ManifestSource } from './format';
import { buildAdjacency, reaches } from './graph';
import { resolveHandles } from './handles';

export type ConnectionCheck = { ok: true } | { ok: false; code: PipelineIssueCode; message: string };

/**
 * The editor's live rule for a connection being dragged: may `connection` be added to `graph`?
 * Same rules as validatePipeline for a single edge: handles exist, types match, an output leads
 * to one node, and no cycle appears.
 */
export function canConnect(graph: Pick<PipelineGraph, 'nodes' | 'edges'>, nodeTypes: ManifestSource, connection: PipelineEdge): ConnectionCheck {
  const index = indexManifests(nodeTypes);
  const src = graph.nodes.find((n) => n.id === connection.source);
  const dst = graph.nodes.find((n) => n.id === connection.target);
  if (!src || !dst) return { ok: false, code: 'unknown_node', message: `unknown node '${!src ? connection.source : connection.target}'` };
  if (src.id === dst.id) return { ok: false, code: 'cycle', message: 'a node cannot connect to itself' };
  const srcManifest = index.get(src.type, src.typeVersion);
  const dstManifest = index.get(dst.type, dst.typeVersion);
  if (!srcManifest || !dstManifest) {
    const n = !srcManifest ? src : dst;
    return { ok: false, code: 'unknown_node_type', message: `unknown node type '${n.type}' v${n.typeVersion}` };
  }
  const out = resolveHandles(src, srcManifest).outputs.find((h) => h.id === connection.sourceHandle);
  if (!out) return { ok: false, code: 'unknown_handle', message: `'${src.id}' has no output '${connection.sourceHandle}'` };
  const inp = resolveHandles(dst, dstManifest).inputs.find((h) => h.id === connection.targetHandle);
  if (!inp) return { ok: false, code: 'unknown_handle', message: `'${dst.id}' has no input '${connection.targetHandle}'` };
  if (!handleTypesMatch(out.type, inp.type)) {
    return { ok: false, code: 'handle_type_mismatch', message: `'${out.type}' cannot connect to '${inp.type}'` };
  }
  if (graph.edges.some((e) => e.source === src.id && e.sourceHandle === out.id)) {
    return { ok: false, code: 'output_already_connected', message: `output '${out.label}' of '${src.id}' is already connected` };
  }
  if (reaches(buildAdjacency(graph.nodes.map((n) => n.id), graph.edges), dst.id, src.id)) {
    return { ok: false, code: 'cycle', message: `connecting '${src.id}' to '${dst.id}' would form a cycle` };
  }
  return { ok: true };
}
