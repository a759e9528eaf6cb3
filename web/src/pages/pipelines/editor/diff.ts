import type { PipelineEdge, PipelineGraph, PipelineNode } from '@switchyard/core/pipeline';

export interface GraphChange {
  kind: 'add' | 'remove' | 'change';
  text: string;
}

const edgeText = (e: PipelineEdge) => `${e.source}.${e.sourceHandle} → ${e.target}`;
const stable = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/** Leaf paths where two values differ (`branches[1].id`). */
function changedPaths(a: unknown, b: unknown, path: string, out: string[]): void {
  if (stable(a) === stable(b)) return;
  const isObj = (v: unknown) => v !== null && typeof v === 'object';
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) changedPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
    return;
  }
  out.push(`${path || 'value'}: ${a === undefined ? '(unset)' : stable(a)} → ${b === undefined ? '(unset)' : stable(b)}`);
}

/** What changed from `from` to `to`, in behaviour (positions are left out). */
export function diffGraphs(from: PipelineGraph, to: PipelineGraph): GraphChange[] {
  const out: GraphChange[] = [];
  const before = new Map(from.nodes.map((n) => [n.id, n]));
  const after = new Map(to.nodes.map((n) => [n.id, n]));
  for (const [id, n] of after) if (!before.has(id)) out.push({ kind: 'add', text: `node ${id} (${n.type})` });
  for (const [id, n] of before) if (!after.has(id)) out.push({ kind: 'remove', text: `node ${id} (${n.type})` });
  for (const [id, b] of after) {
    const a = before.get(id);
    if (!a) continue;
    const paths: string[] = [];
    const pick = (n: PipelineNode) => ({ type: n.type, typeVersion: n.typeVersion, params: n.params });
    changedPaths(pick(a), pick(b), '', paths);
    for (const p of paths) out.push({ kind: 'change', text: `${id}: ${p}` });
  }
  const fromEdges = new Set(from.edges.map(edgeText));
  const toEdges = new Set(to.edges.map(edgeText));
  for (const e of toEdges) if (!fromEdges.has(e)) out.push({ kind: 'add', text: `connection ${e}` });
  for (const e of fromEdges) if (!toEdges.has(e)) out.push({ kind: 'remove', text: `connection ${e}` });
  return out;
}
