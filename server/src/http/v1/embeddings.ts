import type { EmbeddingRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import type { GatewayHooks } from '../../dispatch/hooks';
import { embeddingRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { abortOnDisconnect } from '../request-context';
import { failTracked, startTracking } from './tracking';
import { sendJson, type V1Handler } from './v1-call';

const validate = compileValidator<EmbeddingRequest>(embeddingRequestSchema);

export function embeddingsHandler(dispatcher: Dispatcher, hooks: Required<GatewayHooks>): V1Handler {
  return async (call) => {
    const { res } = call;
    const request = validate(call.body);
    const signal = abortOnDisconnect(res);
    const tracker = startTracking(call, hooks, { endpoint: 'embeddings', stream: false, requestedModel: request.model ?? '' });
    try {
      const answer = await dispatcher.embeddings(request, { signal, requestId: call.requestId, tracker, headers: call.req.headers });
      tracker.finish(200); // reported (journaled) before it is sent
      sendJson(res, 200, answer);
    } catch (err) {
      throw failTracked(tracker, err, signal);
    }
  };
}
