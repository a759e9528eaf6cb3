import type { Request, Response } from 'express';
import type { EmbeddingRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import type { GatewayHooks } from '../../dispatch/hooks';
import { embeddingRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { abortOnDisconnect } from '../request-context';
import { failTracked, startTracking } from './tracking';

const validate = compileValidator<EmbeddingRequest>(embeddingRequestSchema);

export function embeddingsHandler(dispatcher: Dispatcher, hooks: Required<GatewayHooks>) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = validate(req.body);
    const signal = abortOnDisconnect(res);
    const tracker = startTracking(res, hooks, { endpoint: 'embeddings', stream: false, requestedModel: request.model ?? '' });
    try {
      res.json(await dispatcher.embeddings(request, { signal, requestId: res.locals.requestId, tracker, headers: req.headers }));
      tracker.finish(200);
    } catch (err) {
      throw failTracked(tracker, err, signal);
    }
  };
}
