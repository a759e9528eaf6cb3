import { createHash } from 'node:crypto';
import type { RequestBody, RequestKind } from '@switchyard/spec';

/*
 * A stable key for "the same request": keys sorted at every level, nulls and absent fields
 * treated alike, and the fields that only change the transport (stream, stream_options) left out,
 * so a streamed and a non-streamed request share an entry.
 */

const TRANSPORT_FIELDS = new Set(['stream', 'stream_options']);

function canonical(value: unknown, top: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, false)).join(',')}]`;
  const keys = Object.keys(value).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || v === null || (top && TRANSPORT_FIELDS.has(k))) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonical(v, false)}`;
    first = false;
  }
  return `${out}}`;
}

export function normalizedRequest(body: RequestBody): string {
  return canonical(body, true);
}

export function cacheKey(parts: { namespace: string; scope: string; kind: RequestKind; body: RequestBody }): string {
  const h = createHash('sha256');
  h.update(`${parts.namespace}\u0000${parts.scope}\u0000${parts.kind}\u0000`);
  h.update(normalizedRequest(parts.body));
  return `cache:${h.digest('base64url')}`;
}
