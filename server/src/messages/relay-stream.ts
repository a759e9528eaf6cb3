import type { Response } from 'express';
import type { OpenedStream } from '../dispatch/invoke';
import type { RequestTracker } from '../dispatch/tracker';
import { SseWriter } from '../http/sse';
import { failTracked } from '../http/v1/tracking';
import { toAnthropicError } from './errors';
import { StreamConverter } from './stream-converter';

export interface RelayOptions {
  /** The model the client asked for, used if the upstream's chunks name none. */
  model: string;
  /** A ping this often keeps idle connections (long thinking, slow upstreams) open. */
  keepaliveMs: number;
  headers: Record<string, string>;
}

/**
 * Relays an opened canonical stream as Anthropic server-sent events, chunk by chunk. Once the
 * first byte is out the status cannot change, so a later failure ends the stream with an
 * `error` event, as Anthropic's API does; the tracker is told how the request ended either way.
 */
export async function relayAnthropicStream(res: Response, stream: OpenedStream, signal: AbortSignal, tracker: RequestTracker, options: RelayOptions): Promise<void> {
  const sse = new SseWriter(res);
  sse.open(options.headers);
  const converter = new StreamConverter(options.model);
  const keepalive = setInterval(() => {
    if (!sse.closed) void sse.send({ type: 'ping' }, 'ping');
  }, options.keepaliveMs);
  keepalive.unref();

  const send = async (events: ReturnType<StreamConverter['push']>) => {
    for (const e of events) {
      if (sse.closed) return;
      await sse.send(e.data, e.event);
    }
  };

  let step = stream.first;
  let failure: unknown;
  try {
    while (!step.done) {
      await send(converter.push(step.value));
      if (sse.closed) break;
      step = await stream.rest.next();
    }
    if (!sse.closed) {
      tracker.finish(200); // the upstream is done: reported (journaled) before the client hears the end
      await send(converter.finish());
    }
  } catch (err) {
    failure = err;
    if (!signal.aborted && !sse.closed) await sse.send(toAnthropicError(err, res.locals.requestId ?? null).body, 'error');
  } finally {
    clearInterval(keepalive);
    // Closing the upstream settles its attempt, so this comes before the request is reported.
    if (!step.done && failure === undefined) await stream.rest.return?.().catch(() => undefined);
    sse.end();
  }
  if (failure !== undefined) failTracked(tracker, failure, signal);
  else if (!step.done || signal.aborted) failTracked(tracker, signal.reason, signal);
  else tracker.finish(200);
}
