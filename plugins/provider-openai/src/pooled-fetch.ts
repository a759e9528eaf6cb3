import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { isEventStream, isJson } from './content-type';
import { acceptPreparedHeaders, PreparedHeaders } from './prepared-headers';
import { BufferedResponse, EventStreamResponse, UpstreamHeaders } from './upstream-response';

/**
 * A fetch for the SDK built on undici's request API and one keep-alive connection pool. Node's
 * built-in fetch sends every string body as a stream (chunked, several writes) and pays for the
 * WHATWG body machinery on the way out; the gateway's hot path sends small JSON bodies, so this
 * writes each request in one go. Bodies that are not strings or bytes fall back to fetch.
 */
const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 512 });

type FetchInput = Parameters<typeof fetch>[0];
type FetchInit = NonNullable<Parameters<typeof fetch>[1]>;

function headerRecord(headers: FetchInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) headers.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(headers)) for (const [k, v] of headers) out[k.toLowerCase()] = v;
  else for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** Lower-case host (name, IPv4 or [IPv6]) and port; a path of printable ASCII without a fragment. */
const PLAIN_URL = /^(https?:\/\/[-a-z0-9.:[\]]+)(\/[!-"$-~]*)?$/;

/**
 * Splits an absolute http(s) URL into the origin and path the pool's `request` takes. undici's
 * top-level `request(url)` parses every URL with `new URL` and copies the options; the SDK's URLs
 * are plain (lower-case host, encoded path, no user info or fragment), which a pattern splits;
 * anything else goes through URL.
 */
export function originAndPath(url: string): { origin: string; path: string } {
  const m = PLAIN_URL.exec(url);
  if (m) return { origin: m[1], path: m[2] ?? '/' };
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

export const pooledFetch = acceptPreparedHeaders(async function pooledFetch(input: FetchInput, init: FetchInit = {}): Promise<Response> {
  const body = init.body;
  const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  // The reused-headers client's record is sent as is: undici only reads it.
  const prepared = init.headers instanceof PreparedHeaders ? init.headers.record : undefined;
  if (input instanceof Request || !simpleBody) return fetch(input, prepared ? { ...init, headers: prepared } : init);
  const url = String(input);
  const res = await agent.request({
    ...originAndPath(url),
    method: (init.method ?? 'GET') as 'GET',
    headers: prepared ?? headerRecord(init.headers),
    body: body ?? undefined,
    signal: init.signal ?? undefined,
  });
  // The answers the SDK reads whole or as an event stream are light Response look-alikes over
  // undici's own header record (upstream-response.ts); any other kind is a real Response.
  const headers = new UpstreamHeaders(res.headers);
  const contentType = headers.get('content-type');
  if (NO_BODY.has(res.statusCode)) {
    res.body.resume();
    return new BufferedResponse(res.statusCode, headers, url, '') as unknown as Response;
  }
  // A JSON answer is read whole anyway; reading it here skips the web-stream plumbing.
  if (isJson(contentType)) return new BufferedResponse(res.statusCode, headers, url, await res.body.text()) as unknown as Response;
  if (res.statusCode < 300 && isEventStream(contentType)) return new EventStreamResponse(res.statusCode, headers, url, res.body) as unknown as Response;
  return new Response(Readable.toWeb(res.body) as ReadableStream<Uint8Array>, { status: res.statusCode, headers });
});
