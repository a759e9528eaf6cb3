import type { Request, Response } from 'express';
import type { EmbeddingRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import { embeddingRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { abortOnDisconnect } from '../request-context';

const validate = compileValidator<EmbeddingRequest>(embeddingRequestSchema);

export function embeddingsHandler(dispatcher: Dispatcher) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = validate(req.body);
    res.json(await dispatcher.embeddings(request, { signal: abortOnDisconnect(res), requestId: res.locals.requestId }));
  };
}
