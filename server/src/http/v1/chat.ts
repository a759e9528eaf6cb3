import type { ServerResponse } from 'node:http';
import { chunkJson, forgetChunkJson, GatewayError } from '@switchyard/core';
import type { ChatCompletionChunk, ChatCompletionRequest } from '@switchyard/spec';
import type { Dispatcher } from '../../dispatch/dispatcher';
import type { GatewayHooks } from '../../dispatch/hooks';
import type { RequestTracker } from '../../dispatch/tracker';
import type { OpenedStream } from '../../dispatch/invoke';
import { chatCompletionRequestSchema } from '../../validation/schemas';
import { compileValidator } from '../../validation/validate';
import { toGatewayError } from '../errors';
import { abortOnDisconnect } from '../request-context';
import { SseWriter } from '../sse';
import { failTracked, startTracking } from './tracking';
import { sendJson, type V1Handler } from './v1-call';

const validateChat = compileValidator<ChatCompletionRequest>(chatCompletionRequestSchema);

export function chatCompletionsHandler(dispatcher: Dispatcher, hooks: Required<GatewayHooks>): V1Handler {
  return async (call) => {
    const { res } = call;
    const request = validateChat(call.body);
    const signal = abortOnDisconnect(res);
    const tracker = startTracking(call, hooks, { endpoint: 'chat', stream: request.stream === true, requestedModel: request.model });
    let result;
    try {
      result = await dispatcher.chat(request, { signal, requestId: call.requestId, tracker, headers: call.req.headers });
    } catch (err) {
      throw failTracked(tracker, err, signal);
    }
    if (result.kind === 'json') {
      // Reported before it is sent: the usage event is in the journal when the client has the answer.
      tracker.finish(200);
      sendJson(res, 200, result.body);
      return;
    }
    await relayStream(res, result.stream, request.stream_options?.include_usage === true, signal, tracker);
  };
}

/**
 * Relays an opened upstream stream chunk by chunk. The usage chunk goes to the client only if it
 * asked (stream_options.include_usage). A failure after the first byte can no longer change the
 * status, so it ends the stream with an error event, the way OpenAI does.
 */
export async function relayStream(res: ServerResponse, stream: OpenedStream, includeUsage: boolean, signal: AbortSignal, tracker: RequestTracker): Promise<void> {
  const sse = new SseWriter(res);
  sse.open();
  let step = stream.first;
  let failure: unknown;
  try {
    while (!step.done) {
      const payload = forClient(step.value, includeUsage);
      if (payload !== undefined) {
        const slowClient = sse.send(payload);
        if (slowClient) await slowClient;
      }
      if (sse.closed) break;
      step = await stream.rest.next();
    }
    if (!sse.closed) {
      // The upstream is done and its attempt settled: reported before the client hears the end.
      tracker.finish(200);
      await sse.send('[DONE]');
    }
  } catch (err) {
    failure = err;
    if (!signal.aborted && !sse.closed) await sse.send(streamError(err));
  } finally {
    // Closing the upstream settles its attempt, so this comes before the request is reported.
    if (!step.done && failure === undefined) await stream.rest.return?.().catch(() => undefined);
    sse.end();
  }
  if (failure !== undefined) failTracked(tracker, failure, signal);
  else if (!step.done || signal.aborted) failTracked(tracker, signal.reason, signal);
  else tracker.finish(200);
}

/** How OpenAI ends a chunk's JSON when usage was asked for and this chunk has none. */
const NULL_USAGE_TAIL = ',"usage":null}';

/**
 * What the client gets of a chunk, with usage as it asked for it (stream_options.include_usage):
 * the usage-only chunk or nothing, and on the others `usage: null` or no usage at all. The
 * chunk's own JSON text (chunk-json.ts) when that still says the same, else the chunk to
 * serialize; undefined skips the chunk.
 */
function forClient(chunk: ChatCompletionChunk, includeUsage: boolean): ChatCompletionChunk | string | undefined {
  const usageOnly = chunk.choices.length === 0 && chunk.usage;
  if (usageOnly) return includeUsage ? (chunkJson(chunk) ?? chunk) : undefined;
  const json = chunkJson(chunk);
  if (includeUsage ? chunk.usage !== undefined : !('usage' in chunk)) return json ?? chunk;
  forgetChunkJson(chunk);
  if (includeUsage) {
    chunk.usage = null;
    return chunk;
  }
  delete chunk.usage;
  // The gateway always asks the upstream for usage, so its chunks end in `"usage":null`: cut from the text.
  return json?.endsWith(NULL_USAGE_TAIL) ? `${json.slice(0, -NULL_USAGE_TAIL.length)}}` : chunk;
}

function streamError(err: unknown) {
  const gw = GatewayError.is(err) ? err : toGatewayError(err);
  return gw.toBody();
}
