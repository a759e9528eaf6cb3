import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { isEventStream, isJson } from './content-type';

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

export async function pooledFetch(input: FetchInput, init: FetchInit = {}): Promise<Response> {
  const body = init.body;
  const simpleBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  if (input instanceof Request || !simpleBody) return fetch(input, init);
  const res = await request(String(input), {
    method: (init.method ?? 'GET') as 'GET',
    headers: headerRecord(init.headers),
    body: body ?? undefined,
    signal: init.signal ?? undefined,
    dispatcher: agent,
  });
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (Array.isArray(v)) for (const item of v) headers.append(k, item);
    else if (v !== undefined) headers.set(k, v);
  }
  if (NO_BODY.has(res.statusCode)) {
    res.body.resume();
    return new Response(null, { status: res.statusCode, headers });
  }
  // A JSON answer is read whole anyway; reading it here skips the web-stream plumbing.
  if (isJson(headers.get('content-type'))) return new BufferedResponse(await res.body.text(), { status: res.statusCode, headers });
  if (res.statusCode < 300 && isEventStream(headers.get('content-type'))) return new EventStreamResponse(res.body, { status: res.statusCode, headers });
  return new Response(Readable.toWeb(res.body) as ReadableStream<Uint8Array>, { status: res.statusCode, headers });
}

/**
 * A successful SSE answer whose `body` is undici's Node stream itself rather than a web
 * ReadableStream wrapped around it. Stream bodies are read through their async iterator (by
 * stream.ts, and by the SDK's own parser for any other caller; any object with one will do), so
 * every chunk skips the web-stream adapters, which cost several percent of the gateway's CPU on
 * streamed traffic. Ending the iteration early destroys the stream
 * (and frees the connection), as cancelling the web stream did. `text()` reads it whole.
 */
class EventStreamResponse extends Response {
  #stream: Readable;
  #used = false;

  constructor(stream: Readable, init: ResponseInit) {
    super(null, init);
    this.#stream = stream;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#stream as unknown as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  override get bodyUsed(): boolean {
    return this.#used || this.#stream.readableDidRead;
  }

  override async text(): Promise<string> {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of this.#stream) text += decoder.decode(chunk as Uint8Array, { stream: true });
    return text + decoder.decode();
  }

  override async json(): Promise<any> {
    return JSON.parse(await this.text());
  }
}

/**
 * A Response whose body has already been read: `text()` and `json()` answer from the string
 * (the SDK reads JSON answers through them), `body` is null. One read, like any Response.
 */
class BufferedResponse extends Response {
  #text: string | undefined;

  constructor(text: string, init: ResponseInit) {
    super(null, init);
    this.#text = text;
  }

  override get bodyUsed(): boolean {
    return this.#text === undefined;
  }

  override text(): Promise<string> {
    const text = this.#text;
    if (text === undefined) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
    this.#text = undefined;
    return Promise.resolve(text);
  }

  override async json(): Promise<any> {
    return JSON.parse(await this.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = new TextEncoder().encode(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}
