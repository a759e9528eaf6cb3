import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '@switchyard/spec';
import { newRequestId } from '../repos/ids';

declare module 'express-serve-static-core' {
  interface Locals {
    requestId: string;
    principal?: Principal;
  }
}

/** Gives every request an id (the caller's x-request-id when sane) and echoes it back. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  res.locals.requestId = assignRequestId(req, res);
  next();
}

const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request's id (the caller's when sane, else a new one), set on the response. */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : newRequestId();
  res.setHeader('x-request-id', id);
  return id;
}

/** An AbortSignal that fires when the client goes away before the response is complete. */
export function abortOnDisconnect(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new DOMException('The client disconnected', 'AbortError'));
  });
  return controller.signal;
}
