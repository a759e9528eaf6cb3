import type { IncomingMessage } from 'node:http';
import { errors, type GatewayError } from '@switchyard/core';
import { invalidJson } from '../errors';

/** Whether the content type is plain JSON in UTF-8, the case the v1 lane reads itself. */
export function isPlainJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.toLowerCase().split(';');
  if (type.trim() !== 'application/json') return false;
  return params.every((p) => {
    const [name, value] = p.split('=').map((x) => x?.trim());
    return name !== 'charset' || value === 'utf-8' || value === '"utf-8"';
  });
}

/**
 * Reads a JSON request body of at most `limit` bytes, as express.json does in strict mode: an
 * empty body is `{}`, anything but an object or array at the top is a parse error, a body over
 * the limit is refused (413) from its Content-Length before it is read, or as soon as it grows
 * past the limit.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  // The client may have gone while it was being authenticated: no 'end' or 'aborted' will come.
  if (req.destroyed || req.readableAborted) return Promise.reject(errors.invalidRequest('The request body was not received completely.', null, 'request_aborted'));
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (err: GatewayError) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(tooLarge(limit));
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (settled) return;
      settled = true;
      cleanup();
      try {
        resolve(parseStrictJson(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
      } catch (err) {
        reject(err);
      }
    };
    const onAborted = () => fail(errors.invalidRequest('The request body was not received completely.', null, 'request_aborted'));
    const onError = () => onAborted();
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onError);
  });
}

function parseStrictJson(bytes: Buffer): unknown {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(text)?.[1];
  if (first === undefined) return {};
  if (first !== '{' && first !== '[') throw invalidJson();
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJson();
  }
}

function tooLarge(limit: number): GatewayError {
  return errors.tooLarge(`${limit}-byte`);
}
