import { describe, expect, it } from 'vitest';
import type { NodeTypeManifest, PipelineGraph, PipelineIssue } from '@switchyard/spec';
import { builtinManifests } from './nodes/manifests';
import { validatePipeline } from './validate';

const target = (id: string, provider = 'openai', model = 'gpt-4o-mini') => ({ id, type: 'target', typeVersion: 1, params: { provider, model } });
const edge = (source: string, sourceHandle: string, t: string, targetHandle = 'in') => ({ source, sourceHandle, target: t, targetHandle });

function fallbackGraph(): PipelineGraph {
  return {
    schemaVersion: 1,
    nodes: [
      { id: 'route', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'a' }, { id: 'b' }] } },
      target('t1'),
      target('t2', 'anthropic', 'claude-3-5-haiku'),
    ],
    edges: [edge('route', 'a', 't1'), edge('route', 'b', 't2')],
  };
}

function only(issues: PipelineIssue[], code: string): PipelineIssue[] {
  return issues.filter((i) => i.code === code);
}

describe('validatePipeline', () => {
  it('accepts a well-formed graph', () => {
    const r = validatePipeline(fallbackGraph(), builtinManifests);
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('accepts a single target as the whole pipeline', () => {
    expect(validatePipeline({ schemaVersion: 1, nodes: [target('t')], edges: [] }, builtinManifests).ok).toBe(true);
  });

  it('refuses what is not a graph', () => {
    expect(validatePipeline(null, builtinManifests).issues).toEqual([expect.objectContaining({ code: 'invalid_graph' })]);
    const r = validatePipeline({ schemaVersion: 1, nodes: {}, edges: [] }, builtinManifests);
    expect(r.issues).toEqual([expect.objectContaining({ code: 'invalid_graph', field: 'nodes' })]);
  });

  it('checks the schema version', () => {
    const g = { ...fallbackGraph(), schemaVersion: 7 };
    expect(validatePipeline(g, builtinManifests).issues).toEqual([expect.objectContaining({ code: 'unsupported_schema_version', field: 'schemaVersion' })]);
  });

  it('refuses oversized graphs before looking further', () => {
    const nodes = Array.from({ length: 501 }, (_, i) => target(`t${i}`));
    expect(validatePipeline({ schemaVersion: 1, nodes, edges: [] }, builtinManifests).issues).toEqual([expect.objectContaining({ code: 'too_large' })]);
  });

  it('reports malformed nodes by field', () => {
    const g = fallbackGraph();
    (g.nodes[1] as unknown as Record<string, unknown>).typeVersion = 1.5;
    (g.nodes[2] as unknown as Record<string, unknown>).params = 'x';
    const issues = only(validatePipeline(g, builtinManifests).issues, 'invalid_node');
    expect(issues).toEqual([
      expect.objectContaining({ nodeId: 't1', field: 'typeVersion' }),
      expect.objectContaining({ nodeId: 't2', field: 'params' }),
    ]);
    const bad = validatePipeline({ schemaVersion: 1, nodes: [{ id: 'has space', type: 'target', typeVersion: 1, params: {} }], edges: [] }, builtinManifests);
    expect(only(bad.issues, 'invalid_node')).toEqual([expect.objectContaining({ field: 'id' })]);
  });

  it('reports duplicate node ids', () => {
    const g = fallbackGraph();
    g.nodes.push(target('t1'));
    expect(only(validatePipeline(g, builtinManifests).issues, 'duplicate_node_id')).toEqual([
      expect.objectContaining({ nodeId: 't1', field: 'id', code: 'duplicate_node_id' }),
    ]);
  });

  it('reports unknown types and unknown type versions', () => {
    const g = fallbackGraph();
    g.nodes[1] = { ...g.nodes[1], type: 'teleport' };
    g.nodes[2] = { ...g.nodes[2], typeVersion: 9 };
    const issues = validatePipeline(g, builtinManifests).issues;
    expect(only(issues, 'unknown_node_type')).toEqual([expect.objectContaining({ nodeId: 't1', field: 'type' })]);
    expect(only(issues, 'unknown_type_version')).toEqual([expect.objectContaining({ nodeId: 't2', field: 'typeVersion' })]);
    expect(only(issues, 'unknown_type_version')[0].message).toContain('known: 1');
  });

  it('validates params against the schema and points at the field', () => {
    const g = fallbackGraph();
    g.nodes[1] = { ...g.nodes[1], params: { model: 'x', temperature: 1 } };
    const issues = only(validatePipeline(g, builtinManifests).issues, 'invalid_params');
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 't1', field: 'params.provider', message: 'params.provider is required' }),
        expect.objectContaining({ nodeId: 't1', field: 'params.temperature' }),
      ]),
    );
  });

  it('reports a bad condition with the parser message and the rule field', () => {
    const g: PipelineGraph = {
      schemaVersion: 1,
      nodes: [
        { id: 'if', type: 'conditional', typeVersion: 1, params: { rules: [{ id: 'gold', when: 'user.tier == "gold"' }, { id: 'bad', when: 'model ==' }] } },
        target('t1'),
        target('t2'),
        target('t3'),
      ],
      edges: [edge('if', 'gold', 't1'), edge('if', 'bad', 't2'), edge('if', 'default', 't3')],
    };
    const issues = validatePipeline(g, builtinManifests).issues;
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_params', nodeId: 'if', field: 'params.rules[1].when' })]);
    expect(issues[0].message).toContain('expected a value');
  });

  it('reports a bad regex, template and time zone', () => {
    const g: PipelineGraph = {
      schemaVersion: 1,
      nodes: [
        { id: 'g', type: 'guard', typeVersion: 1, params: { rules: [{ pattern: '(unclosed', action: 'block' }] } },
        { id: 'x', type: 'transform', typeVersion: 1, params: { system: { template: 'Hi {{user.name' } } },
        { id: 'c', type: 'conditional', typeVersion: 1, params: { rules: [], timezone: 'Mars/Olympus' } },
        { id: 'r', type: 'reply', typeVersion: 1, params: { content: 'ok' } },
      ],
      edges: [edge('g', 'next', 'x'), edge('x', 'next', 'c'), edge('c', 'default', 'r')],
    };
    const issues = only(validatePipeline(g, builtinManifests).issues, 'invalid_params');
    expect(issues.map((i) => [i.nodeId, i.field])).toEqual([
      ['g', 'params.rules[0].pattern'],
      ['x', 'params.system.template'],
      ['c', 'params.timezone'],
    ]);
  });

  it('reports repeated handle ids', () => {
    const g = fallbackGraph();
    g.nodes[0] = { ...g.nodes[0], params: { branches: [{ id: 'a' }, { id: 'a' }] } };
    g.edges = [edge('route', 'a', 't1')];
    g.nodes.splice(2, 1);
    expect(only(validatePipeline(g, builtinManifests).issues, 'duplicate_handle')).toEqual([
      expect.objectContaining({ nodeId: 'route', field: 'params.branches[1].id' }),
    ]);
  });

  it('reports malformed edges and edges to unknown nodes', () => {
    const g = fallbackGraph();
    g.edges.push({ source: 'route' } as never, edge('route', 'a', 'ghost'));
    const issues = validatePipeline(g, builtinManifests).issues;
    expect(only(issues, 'invalid_edge')).toEqual([expect.objectContaining({ edgeIndex: 2, field: 'sourceHandle' })]);
    expect(only(issues, 'unknown_node')).toEqual([expect.objectContaining({ edgeIndex: 3, field: 'target' })]);
  });

  it('reports unknown handles on either end', () => {
    const g = fallbackGraph();
    g.edges[0] = edge('route', 'zzz', 't1');
    g.edges[1] = edge('route', 'b', 't2', 'side');
    const issues = only(validatePipeline(g, builtinManifests).issues, 'unknown_handle');
    expect(issues).toEqual([
      expect.objectContaining({ edgeIndex: 0, nodeId: 'route', field: 'sourceHandle' }),
      expect.objectContaining({ edgeIndex: 1, nodeId: 't2', field: 'targetHandle' }),
    ]);
  });

  it('reports handle type mismatches', () => {
    const audioSink: NodeTypeManifest = {
      type: 'audio-sink',
      typeVersion: 1,
      title: 'Audio sink',
      category: 'terminal',
      paramsSchema: { type: 'object' },
      inputs: [{ id: 'in', type: 'audio' }],
      outputs: [],
    };
    const g = fallbackGraph();
    g.nodes[2] = { id: 't2', type: 'audio-sink', typeVersion: 1, params: {} };
    const issues = validatePipeline(g, [...builtinManifests, audioSink]).issues;
    expect(issues).toEqual([expect.objectContaining({ code: 'handle_type_mismatch', edgeIndex: 1, nodeId: 't2', field: 'targetHandle' })]);
  });

  it('allows `any` handles to connect to anything', () => {
    const anySink: NodeTypeManifest = { type: 'any-sink', typeVersion: 1, title: 'Any', category: 'terminal', paramsSchema: {}, inputs: [{ id: 'in', type: 'any' }], outputs: [] };
    const g = fallbackGraph();
    g.nodes[2] = { id: 't2', type: 'any-sink', typeVersion: 1, params: {} };
    expect(validatePipeline(g, [...builtinManifests, anySink]).ok).toBe(true);
  });

  it('refuses a second edge from the same output', () => {
    const g = fallbackGraph();
    g.edges.push(edge('route', 'a', 't2'));
    expect(only(validatePipeline(g, builtinManifests).issues, 'output_already_connected')).toEqual([
      expect.objectContaining({ edgeIndex: 2, nodeId: 'route', field: 'sourceHandle' }),
    ]);
  });

  it('finds cycles', () => {
    const g: PipelineGraph = {
      schemaVersion: 1,
      nodes: [
        { id: 'start', type: 'transform', typeVersion: 1, params: {} },
        { id: 'r1', type: 'retry', typeVersion: 1, params: {} },
        { id: 'r2', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'loop' }, { id: 'out' }] } },
        target('t'),
      ],
      edges: [edge('start', 'next', 'r1'), edge('r1', 'next', 'r2'), edge('r2', 'loop', 'r1'), edge('r2', 'out', 't')],
    };
    const issues = only(validatePipeline(g, builtinManifests).issues, 'cycle');
    expect(issues).toHaveLength(1);
    expect(issues[0].nodeId).toBe('r1');
    expect(issues[0].message).toContain("'r1' -> 'r2' -> 'r1'");
  });

  it('requires exactly one entry node', () => {
    const g = fallbackGraph();
    g.nodes.push(target('stray'));
    const issues = only(validatePipeline(g, builtinManifests).issues, 'multiple_entries');
    expect(issues.map((i) => i.nodeId)).toEqual(['route', 'stray']);
    expect(only(validatePipeline({ schemaVersion: 1, nodes: [], edges: [] }, builtinManifests).issues, 'no_entry')).toHaveLength(1);
    const ring: PipelineGraph = {
      schemaVersion: 1,
      nodes: [
        { id: 'a', type: 'transform', typeVersion: 1, params: {} },
        { id: 'b', type: 'transform', typeVersion: 1, params: {} },
      ],
      edges: [edge('a', 'next', 'b'), edge('b', 'next', 'a')],
    };
    const ringIssues = validatePipeline(ring, builtinManifests).issues;
    expect(only(ringIssues, 'no_entry')).toHaveLength(1);
    expect(only(ringIssues, 'cycle')).toHaveLength(1);
  });

  it('requires every path to end in a target or a terminal node', () => {
    const g = fallbackGraph();
    g.edges.pop();
    expect(only(validatePipeline(g, builtinManifests).issues, 'unconnected_output')).toEqual([
      expect.objectContaining({ nodeId: 'route', field: 'outputs.b' }),
    ]);
    const dangling: PipelineGraph = { schemaVersion: 1, nodes: [{ id: 'x', type: 'transform', typeVersion: 1, params: {} }], edges: [] };
    expect(only(validatePipeline(dangling, builtinManifests).issues, 'unconnected_output')).toEqual([
      expect.objectContaining({ nodeId: 'x', field: 'outputs.next' }),
    ]);
  });

  it('flags a router left with no outputs at all', () => {
    const plain: NodeTypeManifest = {
      type: 'splitter',
      typeVersion: 1,
      title: 'Splitter',
      category: 'router',
      paramsSchema: { type: 'object' },
      inputs: [{ id: 'in', type: 'request' }],
      outputs: [{ id: 'ways', type: 'request', repeat: 'ways' }],
    };
    const g: PipelineGraph = { schemaVersion: 1, nodes: [{ id: 's', type: 'splitter', typeVersion: 1, params: { ways: [] } }], edges: [] };
    expect(only(validatePipeline(g, [plain]).issues, 'unconnected_output')).toEqual([expect.objectContaining({ nodeId: 's', field: 'outputs' })]);
  });

  it('accepts manifests indexed in a Map', () => {
    const map = new Map(builtinManifests.map((m) => [`${m.type}@${m.typeVersion}`, m]));
    expect(validatePipeline(fallbackGraph(), map).ok).toBe(true);
  });

  it('keeps several type versions apart', () => {
    const v2: NodeTypeManifest = { ...builtinManifests.find((m) => m.type === 'target')!, typeVersion: 2, paramsSchema: { type: 'object', required: ['endpoint'] } };
    const g = fallbackGraph();
    g.nodes[2] = { ...g.nodes[2], typeVersion: 2 };
    const issues = validatePipeline(g, [...builtinManifests, v2]).issues;
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_params', nodeId: 't2', field: 'params.endpoint' })]);
  });
});
