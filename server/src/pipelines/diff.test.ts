import { describe, expect, it } from 'vitest';
import type { PipelineGraph } from '@switchyard/spec';
import { diffGraphs, valueChanges } from './diff';

const base: PipelineGraph = {
  schemaVersion: 1,
  nodes: [
    { id: 'fb', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'a' }, { id: 'b' }] } },
    { id: 'ta', type: 'target', typeVersion: 1, params: { provider: 'openai', model: 'gpt-4o' } },
    { id: 'tb', type: 'target', typeVersion: 1, params: { provider: 'anthropic', model: 'claude' } },
  ],
  edges: [
    { source: 'fb', sourceHandle: 'a', target: 'ta', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'b', target: 'tb', targetHandle: 'in' },
  ],
  layout: { fb: { x: 0, y: 0 } },
};

describe('structural pipeline diff', () => {
  it('finds nothing between equal graphs, whatever the key order', () => {
    const reordered = JSON.parse(JSON.stringify(base)) as PipelineGraph;
    reordered.nodes[1].params = { model: 'gpt-4o', provider: 'openai' };
    expect(diffGraphs(base, reordered)).toMatchObject({ same: true, layoutChanged: [] });
  });

  it('lists added and removed nodes and edges, and changed params by path', () => {
    const next = JSON.parse(JSON.stringify(base)) as PipelineGraph;
    next.nodes[0].params = { branches: [{ id: 'a' }, { id: 'c' }], fallbackOn: { statuses: [429] } };
    next.nodes = next.nodes.filter((n) => n.id !== 'tb');
    next.nodes.push({ id: 'tc', type: 'target', typeVersion: 2, params: { provider: 'gemini' } });
    next.edges[1] = { source: 'fb', sourceHandle: 'c', target: 'tc', targetHandle: 'in' };
    next.layout = { fb: { x: 10, y: 0 } };
    const d = diffGraphs(base, next);
    expect(d.same).toBe(false);
    expect(d.nodes.added.map((n) => n.id)).toEqual(['tc']);
    expect(d.nodes.removed.map((n) => n.id)).toEqual(['tb']);
    expect(d.nodes.changed).toEqual([
      {
        id: 'fb',
        changes: [
          { path: 'params.branches[1].id', from: 'b', to: 'c' },
          { path: 'params.fallbackOn', to: { statuses: [429] } },
        ],
      },
    ]);
    expect(d.edges.added).toEqual([next.edges[1]]);
    expect(d.edges.removed).toEqual([base.edges[1]]);
    expect(d.layoutChanged).toEqual(['fb']);
  });

  it('works on drafts that are not graphs at all', () => {
    expect(diffGraphs({} as PipelineGraph, base).nodes.added).toHaveLength(3);
    expect(valueChanges([1, 2], [1])).toEqual([{ path: '[1]', from: 2 }]);
  });
});
