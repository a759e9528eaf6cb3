import express, { Router, type RequestHandler } from 'express';
import type { Logger } from '@switchyard/spec';
import type { AuthChain } from '../../auth/auth-chain';
import type { Catalog } from '../../catalog/catalog';
import type { Dispatcher } from '../../dispatch/dispatcher';
import type { GatewayHooks } from '../../dispatch/hooks';
import { requireModelAccess } from '../../identity/model-access';
import { authenticate } from '../authenticate';
import { chatCompletionsHandler } from './chat';
import { embeddingsHandler } from './embeddings';
import { imagesHandler } from './images';
import { getModelHandler, listModelsHandler, type ModelExtras } from './models';
import { messagesRoute } from '../../messages/handler';
import type { V1Handler } from './v1-call';

export interface V1Deps {
  auth: AuthChain;
  catalog: Catalog;
  dispatcher: Dispatcher;
  hooks: Required<GatewayHooks>;
  bodyLimit: string;
  modelExtras?: ModelExtras;
  logger?: Logger;
}

/** A POST endpoint with an OpenAI JSON body: the scope a key needs, and its handler. */
export interface V1Endpoint {
  scope: string;
  handle: V1Handler;
}

/** The JSON-body endpoints, by path under /v1. The express routes and the v1 lane share them. */
export function v1Endpoints(deps: Pick<V1Deps, 'dispatcher' | 'hooks'>): Map<string, V1Endpoint> {
  return new Map([
    ['/chat/completions', { scope: 'chat', handle: chatCompletionsHandler(deps.dispatcher, deps.hooks) }],
    ['/embeddings', { scope: 'embeddings', handle: embeddingsHandler(deps.dispatcher, deps.hooks) }],
    ['/images/generations', { scope: 'images', handle: imagesHandler(deps.dispatcher, deps.hooks) }],
  ]);
}

function expressHandler(handle: V1Handler): RequestHandler {
  return (req, res, next) => {
    handle({ req, res, body: req.body, requestId: res.locals.requestId, principal: res.locals.principal }).catch(next);
  };
}

/** The OpenAI-compatible API. Authentication runs before the body is read. */
export function v1Router(deps: V1Deps, endpoints: Map<string, V1Endpoint> = v1Endpoints(deps)): Router {
  const router = Router();
  const json = express.json({ limit: deps.bodyLimit });
  // A key limited to some models gets 404 model_not_found for the others, as if they did not exist.
  const modelAccess = requireModelAccess(deps.catalog);
  for (const [path, endpoint] of endpoints) router.post(path, authenticate(deps.auth, endpoint.scope), json, modelAccess, expressHandler(endpoint.handle));
  router.post('/messages', ...messagesRoute({ ...deps, guards: [modelAccess] }));
  router.get('/models', authenticate(deps.auth, 'models'), listModelsHandler(deps.catalog, deps.modelExtras));
  router.get('/models/*id', authenticate(deps.auth, 'models'), getModelHandler(deps.catalog, deps.modelExtras));
  return router;
}
