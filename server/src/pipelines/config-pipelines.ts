import type { PipelineGraph } from '@switchyard/spec';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { BindingKind } from './binding-repo';

/**
 * A pipeline declared in the config file (`pipelines:`). It is applied at start as a published
 * version with source `config` (a new version only when the graph changed), with its bindings.
 *
 * ```yaml
 * pipelines:
 *   - id: smart
 *     name: Smart routing
 *     aliases: [smart]          # clients send model: smart
 *     default: false            # serve every request nothing else claims
 *     keys: [key_abc]           # API key ids
 *     projects: [proj_1]
 *     graph: { schemaVersion: 1, nodes: [...], edges: [...] }
 * ```
 */
export interface PipelineConfig {
  id: string;
  name?: string;
  description?: string;
  aliases?: string[];
  keys?: string[];
  projects?: string[];
  default?: boolean;
  graph: PipelineGraph;
}

export const PIPELINE_ID_PATTERN = '^[a-z0-9][a-z0-9_.-]{0,63}$';

const subjects = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 200 }, uniqueItems: true };

export const pipelineConfigSchema = {
  type: 'object',
  required: ['id', 'graph'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: PIPELINE_ID_PATTERN },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    aliases: subjects,
    keys: subjects,
    projects: subjects,
    default: { type: 'boolean' },
    graph: {
      type: 'object',
      required: ['nodes', 'edges'],
      properties: { schemaVersion: { type: 'integer' }, nodes: { type: 'array' }, edges: { type: 'array' }, layout: { type: 'object' } },
    },
  },
};

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(pipelineConfigSchema);

/**
 * Checks the shape of the config file's `pipelines` (the graphs themselves are checked when
 * they compile). Throws one error listing every problem, by position and id.
 */
export function readPipelineConfigs(raw: readonly unknown[]): PipelineConfig[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const claim = (key: string, where: string) => {
    const other = seen.get(key);
    if (other) problems.push(`${where} is also declared by ${other}`);
    else seen.set(key, where);
  };
  raw.forEach((entry, i) => {
    if (!validate(entry)) {
      for (const e of validate.errors ?? []) problems.push(`pipelines[${i}]${e.instancePath.replace(/\//g, '.')} ${e.message}`);
      return;
    }
    const p = entry as unknown as PipelineConfig;
    claim(`id:${p.id}`, `pipelines[${i}] (id '${p.id}')`);
    for (const a of p.aliases ?? []) claim(`alias:${a}`, `pipelines[${i}] alias '${a}'`);
    for (const k of p.keys ?? []) claim(`key:${k}`, `pipelines[${i}] key '${k}'`);
    for (const pr of p.projects ?? []) claim(`project:${pr}`, `pipelines[${i}] project '${pr}'`);
    if (p.default) claim('default', `pipelines[${i}] (default)`);
  });
  if (problems.length > 0) throw new Error(`config: invalid pipelines: ${problems.join('; ')}`);
  return raw.map((entry) => {
    const p = entry as PipelineConfig;
    return { ...p, graph: { ...p.graph, schemaVersion: (p.graph as Partial<PipelineGraph>).schemaVersion ?? 1 } };
  });
}

/** A config pipeline's bindings, in the stored form. */
export function configBindings(p: PipelineConfig): Array<{ kind: BindingKind; subject: string }> {
  return [
    ...(p.aliases ?? []).map((subject) => ({ kind: 'alias' as const, subject })),
    ...(p.keys ?? []).map((subject) => ({ kind: 'key' as const, subject })),
    ...(p.projects ?? []).map((subject) => ({ kind: 'project' as const, subject })),
    ...(p.default ? [{ kind: 'default' as const, subject: '' }] : []),
  ];
}
