import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '@switchyard/spec';
import { journalsWritten } from '../../journal/journal-turn';

/**
 * One authenticated /v1 request with its parsed body, as the endpoint handlers see it. Plain Node
 * request and response objects, so the same handler serves the express routes and the v1 lane
 * (the lean path for the hot endpoints, see v1-lane.ts).
 */
export interface V1Call {
  req: IncomingMessage;
  res: ServerResponse;
  body: unknown;
  requestId: string;
  principal?: Principal;
}

export type V1Handler = (call: V1Call) => Promise<void>;

/**
 * A JSON answer in one write (headers and body together). When journal records of this turn are
 * not yet on disk (a usage event, a charge), the answer leaves right after they are written, at
 * the end of the turn (journal/journal-turn.ts).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const pending = journalsWritten();
  if (pending) void pending.then(() => writeJson(res, status, text));
  else writeJson(res, status, text);
}

function writeJson(res: ServerResponse, status: number, text: string): void {
  // An answer waiting for the journal may have been overtaken (the client left, or another answer).
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
