import type { Readable } from 'node:stream';

/** Header values as undici's request API gives them: lower-case names, repeated headers as arrays. */
export type RawHeaders = Record<string, string | string[] | undefined>;

/**
 * The read side of a WHATWG Headers object over undici's header record, for answers the pooled
 * fetch hands to the SDK. Building a real Headers (and Response) validates every name and value
 * and sorts the list on each iteration; per answer that cost about 20 us, read a few values and
 * threw them away. Same answers as a response's Headers: case-insensitive names, repeated values
 * joined with ", ", set-cookie kept apart in iteration and getSetCookie(), sorted iteration, and
 * immutable (a response's headers are).
 */
export class UpstreamHeaders implements Headers {
  readonly #raw: RawHeaders;

  constructor(raw: RawHeaders) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }

  getSetCookie(): string[] {
    const value = this.#raw['set-cookie'];
    if (value === undefined) return [];
    return Array.isArray(value) ? [...value] : [value];
  }

  *entries(): HeadersIterator<[string, string]> {
    for (const name of Object.keys(this.#raw).sort()) {
      const value = this.#raw[name];
      if (value === undefined) continue;
      if (name === 'set-cookie') for (const cookie of this.getSetCookie()) yield [name, cookie];
      else yield [name, Array.isArray(value) ? value.join(', ') : value];
    }
  }

  *keys(): HeadersIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): HeadersIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  append(): void {
    throw new TypeError('Headers of a response are immutable');
  }

  set(): void {
    throw new TypeError('Headers of a response are immutable');
  }

  delete(): void {
    throw new TypeError('Headers of a response are immutable');
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}

const bodyUsedError = () => new TypeError('Body is unusable: Body has already been read');

/**
 * What the SDK reads of a Response (status, ok, headers, url, body, text/json), for the answers
 * the pooled fetch reads itself. The SDK is the only reader; answers of other kinds stay real
 * Responses (pooled-fetch.ts).
 */
abstract class UpstreamResponse {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'basic';
  readonly headers: UpstreamHeaders;

  constructor(
    readonly status: number,
    headers: UpstreamHeaders,
    readonly url: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = headers;
  }

  abstract readonly body: unknown;
  abstract readonly bodyUsed: boolean;
  abstract text(): Promise<string>;

  async json(): Promise<any> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = new TextEncoder().encode(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }
}

/** An answer whose body has been read whole (JSON, or none): `text()` answers once from it; `body` is null. */
export class BufferedResponse extends UpstreamResponse {
  #text: string | undefined;
  readonly body = null;

  constructor(status: number, headers: UpstreamHeaders, url: string, text: string) {
    super(status, headers, url);
    this.#text = text;
  }

  get bodyUsed(): boolean {
    return this.#text === undefined;
  }

  text(): Promise<string> {
    const text = this.#text;
    if (text === undefined) return Promise.reject(bodyUsedError());
    this.#text = undefined;
    return Promise.resolve(text);
  }
}

/**
 * A successful SSE answer whose `body` is undici's Node stream itself rather than a web
 * ReadableStream wrapped around it. Stream bodies are read through their async iterator (by
 * stream.ts, and by the SDK's own parser for any other caller; any object with one will do), so
 * every chunk skips the web-stream adapters, which cost several percent of the gateway's CPU on
 * streamed traffic. Ending the iteration early destroys the stream (and frees the connection), as
 * cancelling the web stream did. `text()` reads it whole.
 */
export class EventStreamResponse extends UpstreamResponse {
  #stream: Readable;
  #used = false;

  constructor(status: number, headers: UpstreamHeaders, url: string, stream: Readable) {
    super(status, headers, url);
    this.#stream = stream;
  }

  get body(): Readable {
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#used || this.#stream.readableDidRead;
  }

  async text(): Promise<string> {
    if (this.bodyUsed) throw bodyUsedError();
    this.#used = true;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of this.#stream) text += decoder.decode(chunk as Uint8Array, { stream: true });
    return text + decoder.decode();
  }
}
