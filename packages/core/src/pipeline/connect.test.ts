import { describe, expect, it } from 'vitest';
import type { PipelineGraph } from '@switchyard/spec';
import { canConnect } from './connect';
import { builtinManifests } from './nodes/manifests';

const graph: PipelineGraph = {
  schemaVersion: 1,
  nodes: [
    { id: 'x', type: 'transform', typeVersion: 1, params: {} },
    { id: 'f', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'a' }, { id: 'b' }] } },
    { id: 't1', type: 'target', typeVersion: 1, params: { provider: 'p' } },
    { id: 't2', type: 'target', typeVersion: 1, params: { provider: 'q' } },
  ],
  edges: [
    { source: 'x', sourceHandle: 'next', target: 'f', targetHandle: 'in' },
    { source: 'f', sourceHandle: 'a', target: 't1', targetHandle: 'in' },
  ],
};

describe('canConnect', () => {
  it('allows a free output to a compatible input', () => {
    expect(canConnect(graph, builtinManifests, { source: 'f', sourceHandle: 'b', target: 't2', targetHandle: 'in' })).toEqual({ ok: true });
  });

  it('refuses a used output, unknown handles, self loops and cycles', () => {
    const check = (source: string, sourceHandle: string, target: string, targetHandle = 'in') =>
      canConnect(graph, builtinManifests, { source, sourceHandle, target, targetHandle });
    expect(check('f', 'a', 't2')).toMatchObject({ ok: false, code: 'output_already_connected' });
    expect(check('f', 'c', 't2')).toMatchObject({ ok: false, code: 'unknown_handle' });
    expect(check('f', 'b', 't2', 'out')).toMatchObject({ ok: false, code: 'unknown_handle' });
    expect(check('f', 'b', 'f')).toMatchObject({ ok: false, code: 'cycle' });
    expect(check('f', 'b', 'x')).toMatchObject({ ok: false, code: 'cycle' });
    expect(check('f', 'b', 'nope')).toMatchObject({ ok: false, code: 'unknown_node' });
  });

  it('refuses mismatched handle types', () => {
    const manifests = [...builtinManifests, { type: 'img', typeVersion: 1, title: 'Img', category: 'terminal', paramsSchema: {}, inputs: [{ id: 'in', type: 'image' }], outputs: [] }];
    const g = { ...graph, nodes: [...graph.nodes, { id: 'i', type: 'img', typeVersion: 1, params: {} }] };
    expect(canConnect(g, manifests, { source: 'f', sourceHandle: 'b', target: 'i', targetHandle: 'in' })).toMatchObject({ ok: false, code: 'handle_type_mismatch' });
  });
});
