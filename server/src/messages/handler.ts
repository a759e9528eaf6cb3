import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from '@switchyard/spec';
import type { AuthChain } from '../auth/auth-chain';
import type { Dispatcher } from '../dispatch/dispatcher';
import type { GatewayHooks } from '../dispatch/hooks';
import { authenticate } from '../http/authenticate';
import { abortOnDisconnect } from '../http/request-context';
import { failTracked, startTracking } from '../http/v1/tracking';
import { sendJson } from '../http/v1/v1-call';
import { convertRequest } from './convert-request';
import { convertResponse } from './convert-response';
import { anthropicErrorHandler } from './errors';
import { relayAnthropicStream } from './relay-stream';
import { validateMessagesRequest } from './validate-request';

export interface MessagesRouteDeps {
  auth: AuthChain;
  dispatcher: Pick<Dispatcher, 'chat'>;
  hooks: Required<GatewayHooks>;
  bodyLimit: string;
  /** Where unexpected errors are logged. */
  logger?: Logger;
  /** Checks that run after the body is parsed, before validation (e.g. per-key model access). */
  guards?: RequestHandler[];
  /** Interval of keepalive pings in a stream (default 15 s). */
  keepaliveMs?: number;
}

/** Names the fields that were accepted but not acted on (top_k, ...), so clients can tell. */
export const DROPPED_PARAMS_HEADER = 'x-switchyard-dropped-params';

/**
 * Anthropic clients send `anthropic-version` (and maybe `anthropic-beta`); any version is
 * accepted and echoed. `request-id` is the header Anthropic's SDK reads the request id from.
 */
function anthropicHeaders(req: Request, res: Response, next: NextFunction): void {
  const version = req.headers['anthropic-version'];
  if (typeof version === 'string' && /^[\w.-]{1,64}$/.test(version)) res.setHeader('anthropic-version', version);
  if (res.locals.requestId) res.setHeader('request-id', res.locals.requestId);
  next();
}

function messagesHandler(deps: MessagesRouteDeps): RequestHandler {
  const keepaliveMs = deps.keepaliveMs ?? 15_000;
  return async (req: Request, res: Response): Promise<void> => {
    const body = validateMessagesRequest(req.body);
    const { request, dropped } = convertRequest(body);
    const headers: Record<string, string> = dropped.length > 0 ? { [DROPPED_PARAMS_HEADER]: dropped.join(', ') } : {};
    const signal = abortOnDisconnect(res);
    const tracker = startTracking(res.locals, deps.hooks, { endpoint: 'messages', stream: request.stream === true, requestedModel: request.model });
    // The client's headers go along for pipeline conditions, as on /v1/chat/completions.
    const options = { signal, requestId: res.locals.requestId, tracker, headers: req.headers };
    let result;
    try {
      result = await deps.dispatcher.chat(request, options);
    } catch (err) {
      throw failTracked(tracker, err, signal);
    }
    if (result.kind === 'json') {
      tracker.finish(200); // reported (journaled) before it is sent
      res.set(headers);
      sendJson(res, 200, convertResponse(result.body));
      return;
    }
    await relayAnthropicStream(res, result.stream, signal, tracker, { model: request.model, keepaliveMs, headers });
  };
}

/**
 * POST /v1/messages: the Anthropic Messages API in front of any provider. The request becomes
 * the canonical chat request and runs through the same dispatcher as /v1/chat/completions (auth
 * scope 'messages'); every failure, from authentication on, answers in Anthropic's error shape.
 */
export function messagesRoute(deps: MessagesRouteDeps): RequestHandler[] {
  return [
    anthropicHeaders,
    authenticate(deps.auth, 'messages'),
    express.json({ limit: deps.bodyLimit }),
    ...(deps.guards ?? []),
    messagesHandler(deps),
    anthropicErrorHandler(deps.logger) as unknown as RequestHandler,
  ];
}
