import { describe, expect, it } from 'vitest';
import { checkNodeTypeDefinition } from '@switchyard/core';
import { defineNodeType } from './node';

describe('defineNodeType', () => {
  const node = defineNodeType({
    type: 'acme.tag',
    title: 'Tag',
    category: 'transform',
    paramsSchema: { type: 'object', required: ['tag'], properties: { tag: { type: 'string' }, weight: { type: 'integer' } } },
    execute: async (ctx) => {
      // Typed from the schema: `tag` is a string, `weight` an optional number.
      const tag: string = ctx.params.tag;
      const weight: number | undefined = ctx.params.weight;
      ctx.decide(`${tag}:${weight ?? 0}`);
      return ctx.next('next');
    },
  });

  it('fills in version 1 and the request handles, and the registry accepts it', () => {
    expect(node.manifest).toMatchObject({ type: 'acme.tag', typeVersion: 1, inputs: [{ id: 'in', type: 'request' }], outputs: [{ id: 'next', type: 'request' }] });
    expect(node.prepare).toBeUndefined();
    expect(checkNodeTypeDefinition(node)).toEqual([]);
  });

  it('keeps given handles, e.g. none for a node that answers by itself', () => {
    const sink = defineNodeType({ type: 'acme.sink', title: 'Sink', category: 'terminal', paramsSchema: { type: 'object' }, outputs: [], execute: async () => ({ kind: 'json', body: {} as never }) });
    expect(sink.manifest.outputs).toEqual([]);
  });
});
