import type { Request, Response } from 'express';
import { errors } from '@switchyard/core';
import type { ImageGenerationRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import type { GatewayHooks } from '../../dispatch/hooks';
import { imageGenerationRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { abortOnDisconnect } from '../request-context';
import { failTracked, startTracking } from './tracking';

const validate = compileValidator<ImageGenerationRequest>(imageGenerationRequestSchema);

export function imagesHandler(dispatcher: Dispatcher, hooks: Required<GatewayHooks>) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = validate(req.body);
    // OpenAI defaults to dall-e-2; a gateway has no such default, so the model is required.
    if (!request.model) throw errors.invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    const signal = abortOnDisconnect(res);
    const tracker = startTracking(res, hooks, { endpoint: 'images', stream: false, requestedModel: request.model ?? '' });
    try {
      res.json(await dispatcher.images(request, { signal, requestId: res.locals.requestId, tracker, headers: req.headers }));
      tracker.finish(200);
    } catch (err) {
      throw failTracked(tracker, err, signal);
    }
  };
}
