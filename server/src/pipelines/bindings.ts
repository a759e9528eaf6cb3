import { errors, GatewayError } from '@switchyard/core';
import type { Principal } from '@switchyard/spec';
import type { PipelineBinding } from './binding-repo';
import type { LivePipeline, PipelineRuntime } from './runtime';

/** How a request came to its pipeline. */
export type BindingVia = 'alias' | 'key' | 'key-attribute' | 'project' | 'default';

/** The principal attribute that names a key's pipeline (set on the key's attributes). */
export const PIPELINE_ATTRIBUTE = 'pipelineId';

/**
 * Every binding, indexed for the request path. Rebuilt whole after a change and swapped in, so
 * a lookup is a few Map reads with nothing awaited.
 */
export class BindingIndex {
  private readonly aliases = new Map<string, string>();
  private readonly keys = new Map<string, string>();
  private readonly projects = new Map<string, string>();
  private defaultId: string | undefined;

  constructor(bindings: readonly PipelineBinding[] = []) {
    for (const b of bindings) {
      if (b.kind === 'alias') this.aliases.set(b.subject, b.pipelineId);
      else if (b.kind === 'key') this.keys.set(b.subject, b.pipelineId);
      else if (b.kind === 'project') this.projects.set(b.subject, b.pipelineId);
      else if (b.kind === 'default') this.defaultId = b.pipelineId;
    }
  }

  isAlias(model: string): boolean {
    return this.aliases.has(model);
  }

  /**
   * The pipeline a request runs, most specific first: the model name bound as an alias, the
   * caller's key (a binding, then the key's `pipelineId` attribute), its project, the default.
   * Undefined: no pipeline applies and the model is routed directly.
   */
  pipelineFor(model: string | undefined, principal: Principal | undefined): { id: string; via: BindingVia } | undefined {
    const alias = model === undefined ? undefined : this.aliases.get(model);
    if (alias) return { id: alias, via: 'alias' };
    if (principal) {
      const key = this.keys.get(principal.id);
      if (key) return { id: key, via: 'key' };
      const attr = principal.attributes?.[PIPELINE_ATTRIBUTE];
      if (typeof attr === 'string' && attr !== '') return { id: attr, via: 'key-attribute' };
      const project = principal.projectId ? this.projects.get(principal.projectId) : undefined;
      if (project) return { id: project, via: 'project' };
    }
    return this.defaultId ? { id: this.defaultId, via: 'default' } : undefined;
  }
}

function matches(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

/** Whether the caller may run a pipeline: `allowedPipelines` lists ids or names (or `prefix*`); absent means any. */
export function pipelineAllowed(principal: Principal | undefined, id: string, name?: string): boolean {
  const allowed = principal?.allowedPipelines;
  if (!allowed) return true;
  return allowed.some((p) => matches(p, id) || (name !== undefined && matches(p, name)));
}

export interface SelectedPipeline {
  live: LivePipeline;
  via: BindingVia;
}

/**
 * Chooses the running version for a request, or undefined for a direct route. A pipeline the
 * caller may not use answers like an unknown model when the caller named it (nothing learnt
 * about other pipelines), and 403 when the binding chose it. A bound pipeline with no running
 * version is a 503: falling through to a direct route would skip its limits and guards.
 */
export function selectPipeline(index: BindingIndex, runtime: PipelineRuntime, model: string | undefined, principal: Principal | undefined): SelectedPipeline | undefined {
  const found = index.pipelineFor(model, principal);
  if (!found) return undefined;
  const live = runtime.get(found.id);
  if (!pipelineAllowed(principal, found.id, live?.name)) {
    if (found.via === 'alias') throw errors.modelNotFound(model ?? '');
    throw errors.forbidden(`This API key may not use the pipeline '${found.id}' that serves its requests.`, 'pipeline_not_allowed');
  }
  if (!live) {
    throw new GatewayError({
      status: 503,
      type: 'server_error',
      code: 'pipeline_unavailable',
      message: `The pipeline '${found.id}' that serves this request has no published version that runs.`,
      retryable: false,
    });
  }
  return { live, via: found.via };
}
