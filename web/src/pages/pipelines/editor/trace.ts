/* The test-run trace (docs/pipelines.md §6) as the editor overlays it on the graph. */

export interface TraceEntry {
  nodeId: string;
  type: string;
  typeVersion: number;
  parent?: number;
  startMs: number;
  durationMs?: number;
  status: 'running' | 'ok' | 'error';
  decision?: string;
  notes?: string[];
  error?: { status: number; type: string; code: string | null; message: string };
}

export interface AttemptRecord {
  nodeId: string;
  provider: string;
  model: string;
  attempt: number;
  status: 'pending' | 'ok' | 'error' | 'cancelled';
  startedAtMs: number;
  latencyMs?: number;
  ttftMs?: number;
  error?: { status: number; type: string; code: string | null; message: string };
}

export interface TestRunResult {
  pipeline: { id: string; version: number | 'draft' };
  kind: string;
  ok: boolean;
  status: number;
  response?: unknown;
  stream?: unknown;
  error?: { status: number; message: string; type: string; code: string | null };
  target: { provider: string; model: string } | null;
  cacheHit: boolean;
  durationMs: number;
  trace: TraceEntry[];
  attempts: AttemptRecord[];
}

/** One run of a node, for its badge on the canvas. */
export interface NodeRun {
  index: number;
  status: TraceEntry['status'];
  durationMs?: number;
  decision?: string;
  notes: string[];
  error?: TraceEntry['error'];
}

export function runsByNode(trace: TraceEntry[]): Map<string, NodeRun[]> {
  const out = new Map<string, NodeRun[]>();
  trace.forEach((t, index) => {
    const list = out.get(t.nodeId) ?? [];
    list.push({ index, status: t.status, durationMs: t.durationMs, decision: t.decision, notes: t.notes ?? [], error: t.error });
    out.set(t.nodeId, list);
  });
  return out;
}

/**
 * The edges a run went along: an entry whose parent is another node's entry means the parent
 * handed the request to it. Which output it used is not in the trace, so an edge counts when it
 * joins the two nodes (a router with two outputs to one node is rare and both would light up).
 */
export function ranEdges(trace: TraceEntry[]): Array<{ source: string; target: string; failed: boolean }> {
  const out: Array<{ source: string; target: string; failed: boolean }> = [];
  for (const t of trace) {
    if (t.parent === undefined) continue;
    const parent = trace[t.parent];
    if (parent) out.push({ source: parent.nodeId, target: t.nodeId, failed: t.status === 'error' });
  }
  return out;
}
