import type { NextFunction, Request, Response } from 'express';
import { errors } from '@switchyard/core';
import type { Principal } from '@switchyard/spec';

/** What the check needs from the catalog: the canonical id a model name resolves to. */
export interface ModelResolver {
  resolve(name: string): { modelId: string } | undefined;
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/**
 * Whether the caller may use a model. `allowedModels` entries are model ids or aliases as clients
 * send them, or prefixes ending in `*` (`openai/*`); a name is allowed when it, or the model id it
 * resolves to, matches. No list means no restriction.
 */
export function modelAllowed(principal: Principal | undefined, requested: string, resolver?: ModelResolver): boolean {
  const allowed = principal?.allowedModels;
  if (!allowed) return true;
  const names = [requested];
  const resolved = resolver?.resolve(requested)?.modelId;
  if (resolved && resolved !== requested) names.push(resolved);
  return allowed.some((p) => names.some((n) => matches(p, n)));
}

/**
 * For /v1 routes with a JSON body (after the body parser): a model the key may not use answers
 * exactly like a model that does not exist (404 model_not_found), the way OpenAI answers for models
 * an organisation cannot see, so a restricted key learns nothing about the rest of the catalog.
 */
export function requireModelAccess(resolver: ModelResolver) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const model = (req.body as { model?: unknown } | undefined)?.model;
    if (typeof model === 'string' && !modelAllowed(res.locals.principal, model, resolver)) return next(errors.modelNotFound(model));
    next();
  };
}
