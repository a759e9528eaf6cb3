import type { PipelineGraph } from '@switchyard/core/pipeline';

/** A first pipeline to edit: a fallback from a primary target to a backup (providers to be chosen). */
export function starterGraph(): PipelineGraph {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'fallback', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'primary' }, { id: 'backup' }] } },
      { id: 'primary', type: 'target', typeVersion: 1, params: {} },
      { id: 'backup', type: 'target', typeVersion: 1, params: {} },
    ],
    edges: [
      { source: 'fallback', sourceHandle: 'primary', target: 'primary', targetHandle: 'in' },
      { source: 'fallback', sourceHandle: 'backup', target: 'backup', targetHandle: 'in' },
    ],
    layout: { fallback: { x: 0, y: 60 }, primary: { x: 330, y: 0 }, backup: { x: 330, y: 140 } },
  };
}
