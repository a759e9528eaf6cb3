import type { HandleSpec, NodeTypeManifest, PipelineNode } from '@switchyard/spec';
import { ID_RE } from './format';

/** A concrete handle of one node (repeated outputs expanded). */
export interface ResolvedHandle {
  id: string;
  label: string;
  type: string;
  /** For a repeated output: the param it comes from and the element's index (for error fields). */
  from?: { param: string; index: number };
}

export interface HandleProblem {
  code: 'invalid_params' | 'duplicate_handle';
  field: string;
  message: string;
}

export interface ResolvedHandles {
  inputs: ResolvedHandle[];
  outputs: ResolvedHandle[];
  /** Repeated-handle ids that are missing, malformed or duplicated. */
  problems: HandleProblem[];
}

function expand(spec: HandleSpec, params: Record<string, unknown>, out: ResolvedHandle[], problems: ResolvedHandles['problems']): void {
  if (!spec.repeat) {
    out.push({ id: spec.id, label: spec.label ?? spec.id, type: spec.type });
    return;
  }
  const items = params[spec.repeat];
  if (!Array.isArray(items)) return; // the params schema reports the missing array
  items.forEach((item, index) => {
    const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || !ID_RE.test(id)) {
      problems.push({ code: 'invalid_params', field: `params.${spec.repeat}[${index}].id`, message: 'must be 1-64 letters, digits, _ or -' });
      return;
    }
    const label = (item as { label?: unknown }).label;
    out.push({ id, label: typeof label === 'string' && label ? label : id, type: spec.type, from: { param: spec.repeat!, index } });
  });
}

/**
 * The handles a node actually has. Static handles come from the manifest; a repeated output
 * contributes one handle per element of its array param. The editor draws these; the validator
 * and the executor connect edges to them.
 */
export function resolveHandles(node: Pick<PipelineNode, 'params'>, manifest: NodeTypeManifest): ResolvedHandles {
  const params = node.params && typeof node.params === 'object' ? node.params : {};
  const problems: ResolvedHandles['problems'] = [];
  const inputs: ResolvedHandle[] = manifest.inputs.map((h) => ({ id: h.id, label: h.label ?? h.id, type: h.type }));
  const outputs: ResolvedHandle[] = [];
  for (const spec of manifest.outputs) expand(spec, params, outputs, problems);
  const seen = new Set<string>();
  for (const h of outputs) {
    if (seen.has(h.id)) {
      problems.push({ code: 'duplicate_handle', field: h.from ? `params.${h.from.param}[${h.from.index}].id` : 'outputs', message: `handle id '${h.id}' is used twice` });
    }
    seen.add(h.id);
  }
  return { inputs, outputs, problems };
}
