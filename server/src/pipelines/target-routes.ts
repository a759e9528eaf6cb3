import { GatewayError } from '@switchyard/core';
import type { TargetRef } from '@switchyard/spec';
import type { Catalog, Route } from '../catalog/catalog';
import type { ModelRecord } from '../repos/models';

/** Where a target leads: the route invoke.ts calls, with the catalog's pooled credentials. */
export interface TargetRouter {
  route(target: TargetRef): Route;
}

interface ModelIndex {
  /** `<provider>\0<model id or alias>` -> the model record. */
  byName: Map<string, ModelRecord>;
  /** `<provider>\0<upstream model>` -> the public model id that serves it. */
  byUpstream: Map<string, string>;
}

function buildIndex(models: readonly ModelRecord[]): ModelIndex {
  const byName = new Map<string, ModelRecord>();
  const byUpstream = new Map<string, string>();
  for (const m of models) {
    byName.set(`${m.providerId}\0${m.id}`, m);
    for (const a of m.aliases) if (!byName.has(`${m.providerId}\0${a}`)) byName.set(`${m.providerId}\0${a}`, m);
    if (!byUpstream.has(`${m.providerId}\0${m.upstreamModel}`)) byUpstream.set(`${m.providerId}\0${m.upstreamModel}`, m.id);
  }
  return { byName, byUpstream };
}

export function unknownProvider(provider: string): GatewayError {
  // Retryable like a disabled provider: a fallback above may still serve the request.
  return new GatewayError({
    status: 503,
    type: 'server_error',
    code: 'unknown_provider',
    message: `A pipeline target names provider '${provider}', which is not configured.`,
    retryable: true,
  });
}

/**
 * Turns a target `{provider, model}` into a catalog route. `model` is normally the upstream id;
 * when a target has no model of its own it carries the client's model name instead, so a name
 * that is one of this provider's catalog models (or aliases) maps to that model's upstream id.
 * The index is rebuilt only when the catalog's snapshot changes.
 */
export class CatalogTargetRouter implements TargetRouter {
  private index: ModelIndex | undefined;
  private indexedFrom: readonly ModelRecord[] | undefined;

  constructor(private readonly catalog: Catalog) {}

  private current(): ModelIndex {
    const models = this.catalog.models();
    if (this.indexedFrom !== models || !this.index) {
      this.index = buildIndex(models);
      this.indexedFrom = models;
    }
    return this.index;
  }

  route(target: TargetRef): Route {
    const provider = this.catalog.provider(target.provider);
    if (!provider) throw unknownProvider(target.provider);
    const index = this.current();
    const named = index.byName.get(`${target.provider}\0${target.model}`);
    if (named) return { modelId: named.id, provider, upstreamModel: named.upstreamModel };
    return { modelId: index.byUpstream.get(`${target.provider}\0${target.model}`) ?? `${target.provider}/${target.model}`, provider, upstreamModel: target.model };
  }
}
