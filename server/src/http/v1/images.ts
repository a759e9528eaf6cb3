import { errors } from '@switchyard/core';
import type { ImageGenerationRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import type { GatewayHooks } from '../../dispatch/hooks';
import { imageGenerationRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { abortOnDisconnect } from '../request-context';
import { failTracked, startTracking } from './tracking';
import { sendJson, type V1Handler } from './v1-call';

const validate = compileValidator<ImageGenerationRequest>(imageGenerationRequestSchema);

export function imagesHandler(dispatcher: Dispatcher, hooks: Required<GatewayHooks>): V1Handler {
  return async (call) => {
    const { res } = call;
    const request = validate(call.body);
    // OpenAI defaults to dall-e-2; a gateway has no such default, so the model is required.
    if (!request.model) throw errors.invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    const signal = abortOnDisconnect(res);
    const tracker = startTracking(call, hooks, { endpoint: 'images', stream: false, requestedModel: request.model ?? '' });
    try {
      const answer = await dispatcher.images(request, { signal, requestId: call.requestId, tracker, headers: call.req.headers });
      tracker.finish(200); // reported (journaled) before it is sent
      sendJson(res, 200, answer);
    } catch (err) {
      throw failTracked(tracker, err, signal);
    }
  };
}
