import { describe, expect, it, vi } from 'vitest';
import type { NodeTypeDefinition, PrepareEnv } from '@switchyard/spec';
import { PipelineValidationError, compilePipeline } from './compile';
import { builtinNodeTypes } from './nodes';
import { NodeTypeRegistry } from './registry';
import { e, graph, n, target } from './testing/graphs';

function probe(seen: PrepareEnv[], dispose?: () => void, fail = false): NodeTypeDefinition {
  return {
    manifest: {
      type: 'probe',
      typeVersion: 1,
      title: 'Probe',
      category: 'router',
      paramsSchema: { type: 'object' },
      inputs: [{ id: 'in', type: 'request' }],
      outputs: [{ id: 'ways', type: 'request', repeat: 'ways' }],
    },
    prepare(_params, env) {
      seen.push(env);
      if (fail) throw Object.assign(new Error('no good'), { field: 'params.ways' });
      return {};
    },
    execute: (ctx) => ctx.next('a'),
    dispose,
  };
}

describe('compilePipeline', () => {
  it('refuses an invalid graph with every issue', async () => {
    const r = new NodeTypeRegistry(builtinNodeTypes);
    const err = await compilePipeline(graph([n('x', 'nope')]), r).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(PipelineValidationError);
    expect((err as PipelineValidationError).issues[0]).toMatchObject({ code: 'unknown_node_type', nodeId: 'x' });
  });

  it('tells prepare what is behind each output', async () => {
    const seen: PrepareEnv[] = [];
    const r = new NodeTypeRegistry([...builtinNodeTypes, probe(seen)]);
    const g = graph(
      [
        n('p', 'probe', { ways: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] }),
        n('retry', 'retry'),
        target('t1', 'openai', 'gpt-4o', { credentialId: 'c1' }),
        n('fb', 'fallback', { branches: [{ id: 'x' }, { id: 'y' }] }),
        target('t2', 'anthropic', 'claude'),
        target('t3', 'gemini'),
      ],
      [e('p', 'a', 'retry'), e('retry', 'next', 't1'), e('p', 'b', 'fb'), e('fb', 'x', 't2'), e('fb', 'y', 't3'), e('p', 'c', 't3')],
    );
    await compilePipeline(g, r, { pipelineId: 'pl' });
    const env = seen[0];
    expect(env.outputs).toEqual(['a', 'b', 'c']);
    expect(env.keyBehind('a')).toBe('target:openai/gpt-4o#c1');
    expect(env.keyBehind('b')).toBe('node:pl:p:b');
    expect(env.keyBehind('c')).toBe('node:pl:p:c'); // no fixed model
    expect(env.targetsBehind('b').map((t) => t.provider)).toEqual(['anthropic', 'gemini']);
  });

  it('reports prepare failures on the node and field, and disposes what was prepared', async () => {
    const disposed = vi.fn();
    const seen: PrepareEnv[] = [];
    const failing = { ...probe(seen, undefined, true), manifest: { ...probe(seen).manifest, type: 'failing' } };
    const r = new NodeTypeRegistry([...builtinNodeTypes, probe(seen, disposed), failing]);
    const g = graph([n('p', 'probe', { ways: [{ id: 'a' }] }), n('f', 'failing', { ways: [{ id: 'b' }] }), target('t', 'x', 'y')], [e('p', 'a', 'f'), e('f', 'b', 't')]);
    const err = (await compilePipeline(g, r).catch((x: unknown) => x)) as PipelineValidationError;
    expect(err.issues).toEqual([{ code: 'prepare_failed', nodeId: 'f', field: 'params.ways', message: 'no good' }]);
    expect(disposed).toHaveBeenCalledTimes(1);
  });

  it('disposes node state once', async () => {
    const disposed = vi.fn();
    const r = new NodeTypeRegistry([...builtinNodeTypes, probe([], disposed)]);
    const p = await compilePipeline(graph([n('p', 'probe', { ways: [{ id: 'a' }] }), target('t', 'x', 'y')], [e('p', 'a', 't')]), r);
    await p.dispose();
    await p.dispose();
    expect(disposed).toHaveBeenCalledTimes(1);
  });
});
