import type { Request, Response } from 'express';
import { errors } from '@switchyard/core';
import type { Model } from '@switchyard/spec';
import type { Catalog } from '../../catalog/catalog';
import { modelAllowed } from '../../identity/model-access';
import type { ModelRecord } from '../../repos/models';

/** Extra fields for a model object (billing adds `capabilities` and `pricing`); OpenAI's schema allows them. */
export type ModelExtras = (m: ModelRecord) => Record<string, unknown>;

const toModel = (m: ModelRecord, extras?: ModelExtras): Model => ({ ...extras?.(m), id: m.id, object: 'model', created: Math.floor(m.createdAt / 1000), owned_by: m.providerId });

export function listModelsHandler(catalog: Catalog, extras?: ModelExtras) {
  return (_req: Request, res: Response): void => {
    const visible = catalog.models().filter((m) => modelAllowed(res.locals.principal, m.id, catalog));
    res.json({ object: 'list', data: visible.map((m) => toModel(m, extras)) });
  };
}

export function getModelHandler(catalog: Catalog, extras?: ModelExtras) {
  return (req: Request, res: Response): void => {
    // Model ids may contain slashes (`provider/model`), so the route captures the rest of the path.
    const raw = req.params.id as unknown;
    const id = Array.isArray(raw) ? raw.join('/') : String(raw);
    const found = catalog.models().find((m) => m.id === id);
    if (!found || !modelAllowed(res.locals.principal, id, catalog)) throw errors.modelNotFound(id);
    res.json(toModel(found, extras));
  };
}
