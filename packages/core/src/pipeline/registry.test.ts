import { describe, expect, it } from 'vitest';
import type { NodePlugin, NodeTypeDefinition } from '@switchyard/spec';
import { PluginRegistry } from '../plugins';
import { compilePipeline } from './compile';
import { builtinNodeTypes } from './nodes';
import { builtinManifests } from './nodes/manifests';
import { NodeTypeRegistry } from './registry';
import { FakeHost } from './testing/fake-host';
import { chatInput, e, graph, n, target } from './testing/graphs';

/** A plugin node type: tags the request's metadata, in two versions with different params. */
function tagger(version: number): NodeTypeDefinition<{ tag?: string; label?: string }> {
  return {
    manifest: {
      type: 'acme.tag',
      typeVersion: version,
      title: 'Tag',
      category: 'transform',
      paramsSchema: version === 1 ? { type: 'object', required: ['tag'], properties: { tag: { type: 'string' } } } : { type: 'object', required: ['label'], properties: { label: { type: 'string' } } },
      inputs: [{ id: 'in', type: 'request' }],
      outputs: [{ id: 'next', type: 'request' }],
    },
    execute(ctx) {
      const tag = ctx.params.tag ?? ctx.params.label!;
      ctx.decide(`tagged ${tag} (v${version})`);
      return ctx.next('next', { body: { ...ctx.body, metadata: { tag } } as never });
    },
  };
}

const plugin = (defs: NodeTypeDefinition[]): NodePlugin => ({
  manifest: { id: 'acme', kind: 'node', version: '1.0.0', hostRange: '^0.1.0', name: 'Acme nodes' },
  nodeTypes: defs,
});

describe('NodeTypeRegistry', () => {
  it('lists the built-in manifests (the same ones the browser gets)', () => {
    const r = new NodeTypeRegistry(builtinNodeTypes);
    expect(r.manifests()).toEqual(builtinManifests);
    expect(r.manifests()).toBe(r.manifests());
  });

  it('runs plugin node types, with several versions side by side', async () => {
    const r = new NodeTypeRegistry(builtinNodeTypes);
    expect(r.addPlugin(plugin([tagger(1), tagger(2)]))).toEqual([]);
    const g = graph([n('old', 'acme.tag', { tag: 'a' }, 1), n('new', 'acme.tag', { label: 'b' }, 2), target('t', 'p', 'm')], [e('old', 'next', 'new'), e('new', 'next', 't')]);
    const host = new FakeHost();
    const res = await (await compilePipeline(g, r)).run(chatInput(), host);
    expect(res.trace.map((t) => t.decision)).toEqual(['tagged a (v1)', 'tagged b (v2)', 'p/m']);
    expect((host.calls[0].request as { metadata: unknown }).metadata).toEqual({ tag: 'b' });
  });

  it('refuses malformed node types and clashes, all or nothing', () => {
    const r = new NodeTypeRegistry(builtinNodeTypes);
    const broken = { ...tagger(1), manifest: { ...tagger(1).manifest, type: 'Bad Type', outputs: [{ id: 'x', type: 'request' }, { id: 'x', type: 'request' }] } };
    const reasons = r.addPlugin(plugin([tagger(2), broken as NodeTypeDefinition]));
    expect(reasons.join('\n')).toMatch(/manifest.type 'Bad Type'/);
    expect(reasons.join('\n')).toMatch(/handle 'x' twice/);
    expect(r.get('acme.tag', 2)).toBeUndefined();
    const clash = { ...tagger(1), manifest: { ...tagger(1).manifest, type: 'fallback' } };
    expect(r.addPlugin(plugin([clash]))).toEqual(['fallback: node type fallback@1 is already provided by builtin']);
    const badSchema = { ...tagger(1), manifest: { ...tagger(1).manifest, paramsSchema: { type: 'nonsense' } } };
    expect(r.addPlugin(plugin([badSchema]))[0]).toMatch(/paramsSchema is not a valid JSON Schema/);
  });

  it('follows the node plugins of a plugin registry', () => {
    const plugins = new PluginRegistry('0.1.0');
    const r = new NodeTypeRegistry(builtinNodeTypes);
    let changes = 0;
    r.onChange(() => changes++);
    const stop = r.follow(plugins);
    plugins.register(plugin([tagger(1)]), { path: '/plugins/acme' });
    expect(r.get('acme.tag', 1)).toBeDefined();
    plugins.unregister('node', 'acme');
    expect(r.get('acme.tag', 1)).toBeUndefined();
    expect(changes).toBe(2);
    stop();
  });
});
