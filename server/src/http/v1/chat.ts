import type { Request, Response } from 'express';
import { GatewayError } from '@switchyard/core';
import type { ChatCompletionChunk, ChatCompletionRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import type { OpenedStream } from '../../dispatch/invoke';
import { chatCompletionRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { toGatewayError } from '../errors';
import { abortOnDisconnect } from '../request-context';
import { SseWriter } from '../sse';

const validateChat = compileValidator<ChatCompletionRequest>(chatCompletionRequestSchema);

export function chatCompletionsHandler(dispatcher: Dispatcher) {
  return async (req: Request, res: Response): Promise<void> => {
    const request = validateChat(req.body);
    const signal = abortOnDisconnect(res);
    const result = await dispatcher.chat(request, { signal, requestId: res.locals.requestId });
    if (result.kind === 'json') {
      res.json(result.body);
      return;
    }
    await relayStream(res, result.stream, request.stream_options?.include_usage === true, signal);
  };
}

/**
 * Relays an opened upstream stream chunk by chunk. The usage chunk goes to the client only if it
 * asked (stream_options.include_usage). A failure after the first byte can no longer change the
 * status, so it ends the stream with an error event, the way OpenAI does.
 */
export async function relayStream(res: Response, stream: OpenedStream, includeUsage: boolean, signal: AbortSignal): Promise<void> {
  const sse = new SseWriter(res);
  sse.open();
  let step = stream.first;
  try {
    while (!step.done) {
      const chunk = step.value;
      if (shapeForClient(chunk, includeUsage)) await sse.send(chunk);
      if (sse.closed) break;
      step = await stream.rest.next();
    }
    if (!sse.closed) await sse.send('[DONE]');
  } catch (err) {
    if (!signal.aborted && !sse.closed) await sse.send(streamError(err));
  } finally {
    if (!step.done) await stream.rest.return?.().catch(() => undefined);
    sse.end();
  }
}

/** Drops or blanks usage depending on what the client asked for; false means "skip this chunk". */
function shapeForClient(chunk: ChatCompletionChunk, includeUsage: boolean): boolean {
  const usageOnly = chunk.choices.length === 0 && chunk.usage;
  if (usageOnly) return includeUsage;
  if (includeUsage) chunk.usage ??= null;
  else if ('usage' in chunk) delete chunk.usage;
  return true;
}

function streamError(err: unknown) {
  const gw = GatewayError.is(err) ? err : toGatewayError(err);
  return gw.toBody();
}
