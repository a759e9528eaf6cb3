import { describe, expect, it } from 'vitest';
import type { PipelineGraph } from '@switchyard/core/pipeline';
import { diffGraphs } from './diff';

const base: PipelineGraph = {
  schemaVersion: 1,
  nodes: [
    { id: 'fb', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'a' }, { id: 'b' }] } },
    { id: 'a', type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'x' } },
    { id: 'b', type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'y' } },
  ],
  edges: [
    { source: 'fb', sourceHandle: 'a', target: 'a', targetHandle: 'in' },
    { source: 'fb', sourceHandle: 'b', target: 'b', targetHandle: 'in' },
  ],
  layout: { fb: { x: 0, y: 0 } },
};

describe('diffGraphs', () => {
  it('reports nothing when only positions moved', () => {
    expect(diffGraphs(base, { ...base, layout: { fb: { x: 50, y: 80 } } })).toEqual([]);
  });

  it('names added and removed nodes and connections, and changed params by path', () => {
    const next: PipelineGraph = {
      ...base,
      nodes: [base.nodes[0], { ...base.nodes[1], params: { provider: 'mock', model: 'z' } }, { id: 'c', type: 'reply', typeVersion: 1, params: { content: 'hi' } }],
      edges: [base.edges[0], { source: 'fb', sourceHandle: 'b', target: 'c', targetHandle: 'in' }],
    };
    const texts = diffGraphs(base, next).map((c) => `${c.kind} ${c.text}`);
    expect(texts).toContain('add node c (reply)');
    expect(texts).toContain('remove node b (target)');
    expect(texts).toContain('change a: params.model: "x" → "z"');
    expect(texts).toContain('add connection fb.b → c');
    expect(texts).toContain('remove connection fb.b → b');
  });
});
