import type { PipelineEdge, PipelineGraph, PipelineNode } from '@switchyard/spec';

/** One value that differs, at a JSON path inside a node (`params.branches[1].id`, `typeVersion`). */
export interface FieldChange {
  path: string;
  from?: unknown;
  to?: unknown;
}

export interface GraphDiff {
  /** True when nothing but the editor layout differs. */
  same: boolean;
  nodes: {
    added: PipelineNode[];
    removed: PipelineNode[];
    changed: Array<{ id: string; changes: FieldChange[] }>;
  };
  edges: { added: PipelineEdge[]; removed: PipelineEdge[] };
  schemaVersion?: { from: unknown; to: unknown };
  /** Nodes whose editor position moved (not a behaviour change). */
  layoutChanged: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const childPath = (base: string, key: string | number) => (typeof key === 'number' ? `${base}[${key}]` : base ? `${base}.${key}` : key);

/** The leaves where `a` and `b` differ. Arrays compare by index; a missing side is omitted from the change. */
export function valueChanges(a: unknown, b: unknown, path = ''): FieldChange[] {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length) out.push({ path: childPath(path, i), to: b[i] });
      else if (i >= b.length) out.push({ path: childPath(path, i), from: a[i] });
      else out.push(...valueChanges(a[i], b[i], childPath(path, i)));
    }
    return out;
  }
  if (isObject(a) && isObject(b)) {
    const out: FieldChange[] = [];
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (!(k in b)) out.push({ path: childPath(path, k), from: a[k] });
      else if (!(k in a)) out.push({ path: childPath(path, k), to: b[k] });
      else out.push(...valueChanges(a[k], b[k], childPath(path, k)));
    }
    return out;
  }
  return [{ path, from: a, to: b }];
}

const edgeKey = (e: PipelineEdge) => `${e.source}\0${e.sourceHandle}\0${e.target}\0${e.targetHandle}`;

const listOf = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/**
 * A structural diff of two graphs: nodes matched by id (type, version and params compared field
 * by field), edges matched by their four ends. Works on drafts that do not validate.
 */
export function diffGraphs(from: PipelineGraph, to: PipelineGraph): GraphDiff {
  const fromNodes = new Map(listOf<PipelineNode>(from?.nodes).map((n) => [n?.id, n]));
  const toNodes = new Map(listOf<PipelineNode>(to?.nodes).map((n) => [n?.id, n]));
  const added = [...toNodes.values()].filter((n) => !fromNodes.has(n?.id));
  const removed = [...fromNodes.values()].filter((n) => !toNodes.has(n?.id));
  const changed: GraphDiff['nodes']['changed'] = [];
  for (const [id, before] of fromNodes) {
    const after = toNodes.get(id);
    if (!after) continue;
    const changes = valueChanges(before, after);
    if (changes.length > 0) changed.push({ id: String(id), changes });
  }

  const fromEdges = new Map(listOf<PipelineEdge>(from?.edges).map((e) => [edgeKey(e), e]));
  const toEdges = new Map(listOf<PipelineEdge>(to?.edges).map((e) => [edgeKey(e), e]));
  const edges = {
    added: [...toEdges].filter(([k]) => !fromEdges.has(k)).map(([, e]) => e),
    removed: [...fromEdges].filter(([k]) => !toEdges.has(k)).map(([, e]) => e),
  };

  const fromLayout = isObject(from?.layout) ? from.layout : {};
  const toLayout = isObject(to?.layout) ? to.layout : {};
  const layoutChanged = [...new Set([...Object.keys(fromLayout), ...Object.keys(toLayout)])]
    .filter((id) => valueChanges(fromLayout[id], toLayout[id]).length > 0)
    .sort();

  const diff: GraphDiff = { same: false, nodes: { added, removed, changed }, edges, layoutChanged };
  if (from?.schemaVersion !== to?.schemaVersion) diff.schemaVersion = { from: from?.schemaVersion, to: to?.schemaVersion };
  diff.same = added.length === 0 && removed.length === 0 && changed.length === 0 && edges.added.length === 0 && edges.removed.length === 0 && !diff.schemaVersion;
  return diff;
}
