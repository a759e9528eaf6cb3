import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { canConnect, type NodeTypeManifest, type PipelineGraph, type PipelineIssue } from '@switchyard/core/pipeline';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { ConnectionHint } from './ConnectionHint';
import { edgeId, flowNode, flowToGraph, freshNodeId, graphToFlow, initialParams, nodeData, renameNode, type FlowEdge, type FlowNode } from './convert';
import { Inspector } from './Inspector';
import { autoLayout } from './layout';
import { PipelineNodeView } from './NodeView';
import { Palette, PALETTE_MIME } from './Palette';
import { ranEdges, runsByNode, type TestRunResult } from './trace';
import { usePipelineValidation } from './validation';

const NODE_TYPES = { pipeline: PipelineNodeView };

export interface EditorHandle {
  /** The graph on the canvas, in the stored format. */
  graph(): PipelineGraph;
  /** Replaces the canvas with a stored graph (after a rollback, or loading a version). */
  load(graph: PipelineGraph): void;
  /** Arranges the nodes left to right with dagre. */
  layout(): void;
}

interface EditorProps {
  initial: PipelineGraph;
  manifests: readonly NodeTypeManifest[];
  readOnly?: boolean;
  /** The test run whose trace is drawn over the graph. */
  trace?: TestRunResult | null;
  /** Called whenever the semantic graph or the layout changes (for the dirty flag and validation). */
  onChange?: (graph: PipelineGraph, issues: PipelineIssue[], checking: boolean) => void;
  panels: { palette: boolean; inspector: boolean };
  /** Shown in the right column instead of the inspector (test run, history). */
  side?: ReactNode;
}

/** A semantic fingerprint: node ids, types, params and edges (not positions). */
const semanticKey = (nodes: FlowNode[], edges: FlowEdge[]) => JSON.stringify([nodes.map((n) => n.data.node), edges.map((e) => e.id)]);

const CanvasEditor = forwardRef<EditorHandle, EditorProps>(function CanvasEditor({ initial, manifests, readOnly, trace, onChange, panels, side }, ref) {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const start = useMemo(() => graphToFlow(initial, manifests), []); // eslint-disable-line react-hooks/exhaustive-deps
  const [nodes, setNodes] = useState<FlowNode[]>(start.nodes);
  const [edges, setEdges] = useState<FlowEdge[]>(start.edges);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const wrapper = useRef<HTMLDivElement>(null);

  const key = semanticKey(nodes, edges);
  const graph = useMemo(() => flowToGraph(nodes, edges, initial.schemaVersion), [key]); // eslint-disable-line react-hooks/exhaustive-deps
  const validation = usePipelineValidation(graph, manifests);
  const graphRef = useRef(graph);
  graphRef.current = graph;

  // Positions count for the dirty flag too, but only once a drag ends (not every frame).
  const layoutKey = JSON.stringify(nodes.filter((n) => !n.dragging).map((n) => [n.id, Math.round(n.position.x), Math.round(n.position.y)]));
  useEffect(() => {
    onChange?.(flowToGraph(nodes, edges, initial.schemaVersion), validation.issues, validation.checking);
  }, [key, layoutKey, validation.issues, validation.checking]); // eslint-disable-line react-hooks/exhaustive-deps

  useImperativeHandle(ref, () => ({
    graph: () => flowToGraph(nodes, edges, initial.schemaVersion),
    load: (g) => {
      const next = graphToFlow(g, manifests);
      setNodes(next.nodes);
      setEdges(next.edges);
      setSelectedId(null);
      window.requestAnimationFrame(() => flow.fitView({ padding: 0.2 }));
    },
    layout: () => {
      setNodes((ns) => autoLayout(ns, edges));
      window.requestAnimationFrame(() => flow.fitView({ padding: 0.2, duration: 300 }));
    },
  }));

  // A stored graph without positions gets laid out once its nodes have been measured.
  const needsLayout = useRef(Object.keys(initial.layout ?? {}).length === 0 && initial.nodes.length > 1);
  useEffect(() => {
    if (!needsLayout.current || nodes.some((n) => !n.measured)) return;
    needsLayout.current = false;
    setNodes((ns) => autoLayout(ns, edges));
    window.requestAnimationFrame(() => flow.fitView({ padding: 0.2 }));
  }, [nodes, edges, flow]);

  // What the canvas shows: the editing state plus validation problems and the test-run overlay.
  const issuesByNode = useMemo(() => {
    const m = new Map<string, PipelineIssue[]>();
    for (const i of validation.issues) if (i.nodeId) m.set(i.nodeId, [...(m.get(i.nodeId) ?? []), i]);
    return m;
  }, [validation.issues]);
  const runs = useMemo(() => (trace ? runsByNode(trace.trace) : null), [trace]);
  const shownNodes = useMemo(
    () => nodes.map((n) => ({ ...n, selected: n.id === selectedId, data: { ...n.data, issues: issuesByNode.get(n.id) ?? [], runs: runs?.get(n.id), idle: runs ? !runs.has(n.id) : false } })),
    [nodes, issuesByNode, runs, selectedId],
  );
  const shownEdges = useMemo(() => {
    if (!trace) return edges;
    const went = ranEdges(trace.trace);
    return edges.map((e) => {
      const hit = went.find((w) => w.source === e.source && w.target === e.target);
      return { ...e, animated: Boolean(hit), className: hit ? (hit.failed ? 'edge-failed' : 'edge-ran') : 'edge-idle', data: { ran: Boolean(hit), failed: hit?.failed } };
    });
  }, [edges, trace]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      for (const c of changes) if (c.type === 'select' && c.selected) setSelectedId(c.id);
      const structural = changes.filter((c) => c.type !== 'select' && (!readOnly || c.type === 'dimensions'));
      if (structural.length) setNodes((ns) => applyNodeChanges(structural, ns));
      if (changes.some((c) => c.type === 'remove' && c.id === selectedId)) setSelectedId(null);
    },
    [readOnly, selectedId],
  );
  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdge>[]) => {
    if (readOnly) return;
    setEdges((es) => applyEdgeChanges(changes, es));
  }, [readOnly]);

  const check = useCallback((c: Connection | FlowEdge) => canConnect(graphRef.current, manifests, { source: c.source, sourceHandle: c.sourceHandle ?? '', target: c.target, targetHandle: c.targetHandle ?? '' }), [manifests]);
  const isValidConnection: IsValidConnection<FlowEdge> = useCallback((c) => !readOnly && check(c).ok, [check, readOnly]);

  const connect = useCallback(
    (c: Connection): boolean => {
      const verdict = check(c);
      if (!verdict.ok) {
        setNote(`Cannot connect: ${verdict.message}.`);
        return false;
      }
      const e = { source: c.source, sourceHandle: c.sourceHandle ?? '', target: c.target, targetHandle: c.targetHandle ?? '' };
      setEdges((es) => [...es, { id: edgeId(e), ...e }]);
      setNote(null);
      return true;
    },
    [check],
  );

  const addNode = useCallback(
    (manifest: NodeTypeManifest, at?: { x: number; y: number }) => {
      const id = freshNodeId(manifest.type, nodes.map((n) => n.id));
      const node = { id, type: manifest.type, typeVersion: manifest.typeVersion, params: initialParams(manifest) };
      const from = nodes.find((n) => n.id === selectedId);
      let position = at;
      if (!position) {
        const rect = wrapper.current?.getBoundingClientRect();
        position = from
          ? { x: from.position.x + (from.measured?.width ?? 220) + 80, y: from.position.y }
          : flow.screenToFlowPosition({ x: (rect?.left ?? 0) + (rect?.width ?? 600) / 2 - 110, y: (rect?.top ?? 0) + (rect?.height ?? 400) / 2 - 45 });
      }
      const added = flowNode(node, position, manifests);
      setNodes((ns) => [...ns, added]);
      // Added from the palette with a node selected: join it to the first free output of that node.
      if (!at && from) {
        const used = new Set(edges.filter((e) => e.source === from.id).map((e) => e.sourceHandle));
        const free = from.data.handles.outputs.find((h) => !used.has(h.id));
        const input = added.data.handles.inputs[0];
        if (free && input) {
          const e = { source: from.id, sourceHandle: free.id, target: id, targetHandle: input.id };
          const verdict = canConnect({ nodes: [...graphRef.current.nodes, node], edges: graphRef.current.edges }, manifests, e);
          if (verdict.ok) setEdges((es) => [...es, { id: edgeId(e), ...e }]);
        }
      }
      setSelectedId(id);
      setNote(null);
    },
    [nodes, edges, selectedId, flow, manifests],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      e.preventDefault();
      const key = e.dataTransfer.getData(PALETTE_MIME);
      const manifest = manifests.find((m) => `${m.type}@${m.typeVersion}` === key);
      if (!manifest || readOnly) return;
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNode(manifest, { x: p.x - 100, y: p.y - 30 });
    },
    [manifests, flow, addNode, readOnly],
  );

  const selected = nodes.find((n) => n.id === selectedId);
  const updateNode = (id: string, patch: { params?: Record<string, unknown>; typeVersion?: number }) =>
    setNodes((ns) => ns.map((n) => (n.id === id ? { ...n, data: nodeData({ ...n.data.node, ...patch }, manifests) } : n)));
  // Outputs that a params change removed (a deleted branch) lose their edges.
  useEffect(() => {
    setEdges((es) => {
      const keep = es.filter((e) => {
        const src = nodes.find((n) => n.id === e.source);
        const dst = nodes.find((n) => n.id === e.target);
        return src && dst && src.data.handles.outputs.some((h) => h.id === e.sourceHandle);
      });
      return keep.length === es.length ? es : keep;
    });
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className={`editor-body${panels.palette ? '' : ' no-palette'}${panels.inspector || side ? '' : ' no-inspector'}`}>
      {panels.palette && <Palette manifests={manifests} onAdd={(m) => addNode(m)} disabled={readOnly} addHint={selected ? `after ${selected.id}` : undefined} />}
      <div className="canvas" ref={wrapper} onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'move'))} onDrop={onDrop} aria-label="Pipeline graph" role="region">
        <ReactFlow<FlowNode, FlowEdge>
          nodes={shownNodes}
          edges={shownEdges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={(c) => void connect(c)}
          isValidConnection={isValidConnection}
          onPaneClick={() => setSelectedId(null)}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
          fitView
          fitViewOptions={{ padding: 0.2, maxZoom: 1.1 }}
          minZoom={0.2}
          proOptions={{ hideAttribution: true }}
          defaultEdgeOptions={{ type: 'smoothstep' }}
        >
          <Background gap={20} size={1} color="var(--grid)" />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable className="minimap" style={{ width: 150, height: 100 }} nodeColor={(n) => (n.data as FlowNode['data']).issues?.length ? 'var(--c-bad)' : 'var(--brand)'} />
          <ConnectionHint check={check} />
        </ReactFlow>
        {nodes.length === 0 && (
          <div className="canvas-empty">
            <strong>An empty pipeline.</strong>
            <span>{readOnly ? 'Nothing here yet.' : 'Drag a node from the palette, or select one there and press “Add”. Start with a router (e.g. Fallback) and end every path in a Target.'}</span>
          </div>
        )}
        {note && (
          <div className="canvas-note" role="alert">
            {note}
            <button type="button" className="icon-button small" aria-label="Dismiss" onClick={() => setNote(null)}>
              ×
            </button>
          </div>
        )}
      </div>
      {side ?? (panels.inspector && (
        <Inspector
          node={selected}
          graph={graph}
          issues={validation.issues}
          manifests={manifests}
          readOnly={readOnly}
          runs={selected && runs ? runs.get(selected.id) : undefined}
          onSelect={(id) => {
            setSelectedId(id);
            const n = nodes.find((x) => x.id === id);
            if (n) flow.setCenter(n.position.x + 110, n.position.y + 45, { zoom: flow.getZoom(), duration: 250 });
          }}
          onParams={(params) => selected && updateNode(selected.id, { params })}
          onTypeVersion={(typeVersion) => selected && updateNode(selected.id, { typeVersion })}
          onRename={(to) => {
            if (!selected) return;
            const next = renameNode(nodes, edges, selected.id, to);
            setNodes(next.nodes);
            setEdges(next.edges);
            setSelectedId(to);
          }}
          onConnect={(sourceHandle, target) => {
            if (!selected) return;
            setEdges((es) => es.filter((e) => !(e.source === selected.id && e.sourceHandle === sourceHandle)));
            if (!target) return;
            const dst = nodes.find((n) => n.id === target);
            const input = dst?.data.handles.inputs[0];
            if (!input) return;
            // Checked against the graph without the edge being replaced.
            const e = { source: selected.id, sourceHandle, target, targetHandle: input.id };
            const without = { nodes: graph.nodes, edges: graph.edges.filter((x) => !(x.source === selected.id && x.sourceHandle === sourceHandle)) };
            const verdict = canConnect(without, manifests, e);
            if (!verdict.ok) return setNote(`Cannot connect: ${verdict.message}.`);
            setEdges((es) => [...es.filter((x) => !(x.source === selected.id && x.sourceHandle === sourceHandle)), { id: edgeId(e), ...e }]);
          }}
          onDelete={() => {
            if (!selected) return;
            setNodes((ns) => ns.filter((n) => n.id !== selected.id));
            setEdges((es) => es.filter((e) => e.source !== selected.id && e.target !== selected.id));
            setSelectedId(null);
          }}
        />
      ))}
    </div>
  );
});

/** The editor needs React Flow's context for its hooks; this wraps it. */
export const PipelineEditor = forwardRef<EditorHandle, EditorProps>(function PipelineEditor(props, ref) {
  return (
    <ReactFlowProvider>
      <CanvasEditor {...props} ref={ref} />
    </ReactFlowProvider>
  );
});
