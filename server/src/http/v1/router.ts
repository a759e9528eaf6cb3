import express, { Router } from 'express';
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

/** The OpenAI-compatible API. Authentication runs before the body is read. */
export function v1Router(deps: { auth: AuthChain; catalog: Catalog; dispatcher: Dispatcher; hooks: Required<GatewayHooks>; bodyLimit: string; modelExtras?: ModelExtras; logger?: Logger }): Router {
  const router = Router();
  const json = express.json({ limit: deps.bodyLimit });
  // A key limited to some models gets 404 model_not_found for the others, as if they did not exist.
  const modelAccess = requireModelAccess(deps.catalog);
  router.post('/chat/completions', authenticate(deps.auth, 'chat'), json, modelAccess, chatCompletionsHandler(deps.dispatcher, deps.hooks));
  router.post('/messages', ...messagesRoute({ ...deps, guards: [modelAccess] }));
  router.post('/embeddings', authenticate(deps.auth, 'embeddings'), json, modelAccess, embeddingsHandler(deps.dispatcher, deps.hooks));
  router.post('/images/generations', authenticate(deps.auth, 'images'), json, modelAccess, imagesHandler(deps.dispatcher, deps.hooks));
  router.get('/models', authenticate(deps.auth, 'models'), listModelsHandler(deps.catalog, deps.modelExtras));
  router.get('/models/*id', authenticate(deps.auth, 'models'), getModelHandler(deps.catalog, deps.modelExtras));
  return router;
}
