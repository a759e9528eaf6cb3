import type { Request, Response } from 'express';
import { errors } from '@switchyard/core';
import type { ImageGenerationRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import { imageGenerationRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { abortOnDisconnect } from '../request-context';

const validate = compileValidator<ImageGenerationRequest>(imageGenerationRequestSchema);

export function imagesHandler(dispatcher: Dispatcher) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = validate(req.body);
    // OpenAI defaults to dall-e-2; a gateway has no such default, so the model is required.
    if (!request.model) throw errors.invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    res.json(await dispatcher.images(request, { signal: abortOnDisconnect(res), requestId: res.locals.requestId }));
  };
}
