import { describe, expect, it } from 'vitest';
import { builtinManifests, validatePipeline, type PipelineGraph } from '@switchyard/core/pipeline';
import { flowToGraph, freshNodeId, graphToFlow, initialParams, renameNode } from './convert';

const graph: PipelineGraph = {
  schemaVersion: 1,
  nodes: [
    { id: 'fb', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'primary' }, { id: 'backup' }] } },
    { id: 'one', type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'error-503' } },
    { id: 'two', type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'mock-chat' } },
  ],
  edges: [
    { source: 'fb', sourceHandle: 'primary', target: 'one', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'backup', target: 'two', targetHandle: 'in' },
  ],
  layout: { fb: { x: 0, y: 10 }, one: { x: 300, y: 0 }, two: { x: 300, y: 150 } },
};

describe('graph <-> React Flow conversion', () => {
  it('round-trips a stored graph unchanged', () => {
    const { nodes, edges } = graphToFlow(graph, builtinManifests);
    expect(flowToGraph(nodes, edges)).toEqual(graph);
  });

  it('draws repeated outputs from params, one handle per branch', () => {
    const { nodes } = graphToFlow(graph, builtinManifests);
    expect(nodes[0].data.handles.outputs.map((h) => h.id)).toEqual(['primary', 'backup']);
    expect(nodes[1].data.handles.outputs).toEqual([]);
  });

  it('keeps positions as the layout, rounded, and nothing of React Flow in the nodes', () => {
    const { nodes, edges } = graphToFlow(graph, builtinManifests);
    nodes[0] = { ...nodes[0], position: { x: 12.6, y: 40.2 }, selected: true, measured: { width: 220, height: 90 } };
    const back = flowToGraph(nodes, edges);
    expect(back.layout!.fb).toEqual({ x: 13, y: 40 });
    expect(Object.keys(back.nodes[0]).sort()).toEqual(['id', 'params', 'type', 'typeVersion']);
  });

  it('renames a node in its edges too, and the result still validates', () => {
    const { nodes, edges } = graphToFlow(graph, builtinManifests);
    const renamed = renameNode(nodes, edges, 'one', 'first');
    const back = flowToGraph(renamed.nodes, renamed.edges);
    expect(back.edges[0]).toEqual({ source: 'fb', sourceHandle: 'primary', target: 'first', targetHandle: 'in' });
    expect(validatePipeline(back, builtinManifests).ok).toBe(true);
  });

  it('gives new nodes free ids and routers two branches', () => {
    expect(freshNodeId('target', ['target', 'target-2'])).toBe('target-3');
    const fallback = builtinManifests.find((m) => m.type === 'fallback')!;
    expect(initialParams(fallback)).toEqual({ branches: [{ id: 'primary' }, { id: 'backup' }] });
  });
});
