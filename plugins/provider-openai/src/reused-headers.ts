import type OpenAI from 'openai';
import { PreparedHeaders, takesPreparedHeaders } from './prepared-headers';

type RequestOptions = Parameters<OpenAI['buildRequest']>[0];
type BuiltRequest = Awaited<ReturnType<OpenAI['buildRequest']>>;

/** The headers and URL of one kind of call (method and path), as the SDK built them. */
interface CallTemplate {
  apiKey: string;
  url: string;
  headers: Record<string, string>;
  countsRetries: boolean;
  /** The headers of each retry count, built once, for a fetch that takes PreparedHeaders. */
  prepared: PreparedHeaders[];
}

const RETRY_COUNT = 'x-stainless-retry-count';
/** Kinds of call kept per client; the gateway makes three (chat, embeddings, images). */
const MAX_TEMPLATES = 32;
/** Retry counts whose prepared headers are kept; a call retried more often gets fresh ones. */
const MAX_PREPARED_RETRIES = 16;

/**
 * The gateway's calls: a JSON object body and nothing per call that changes the headers or the
 * URL (no per-call headers, query, timeout, base URL, idempotency key or fetch options).
 */
function isPlainCall(options: RequestOptions): boolean {
  const body = options.body;
  if (typeof body !== 'object' || body === null) return false;
  const proto = Object.getPrototypeOf(body);
  return (
    (proto === Object.prototype || proto === null) &&
    options.headers == null &&
    options.query == null &&
    options.timeout === undefined &&
    options.defaultBaseURL === undefined &&
    options.idempotencyKey === undefined &&
    options.fetchOptions == null &&
    options.path.startsWith('/')
  );
}

/** The template's headers with this call's retry count. */
function headersFor(template: CallTemplate, retryCount: number): Record<string, string> {
  const headers = { ...template.headers };
  if (template.countsRetries) headers[RETRY_COUNT] = String(retryCount);
  return headers;
}

function preparedHeaders(template: CallTemplate, retryCount: number): PreparedHeaders {
  // Frozen: one record serves every call of its kind and retry count.
  if (retryCount >= MAX_PREPARED_RETRIES) return new PreparedHeaders(Object.freeze(headersFor(template, retryCount)));
  return (template.prepared[retryCount] ??= new PreparedHeaders(Object.freeze(headersFor(template, retryCount))));
}

/**
 * A subclass of the SDK's client that reuses each kind of call's headers. For every request the SDK
 * merges six header sources into a WHATWG Headers object, validating each name and value, and its
 * debug logging then copies them whatever the log level: about a tenth of the CPU of forwarding a
 * call through it. The gateway's calls of one kind differ only in their body and retry count, so
 * this client lets the SDK build the first one (its own buildRequest, so the headers are exactly the
 * SDK's), keeps the headers as a plain record and reuses them; for the pooled fetch, one
 * PreparedHeaders per retry count, which the log formatter does not copy (prepared-headers.ts).
 * Any other call takes the SDK's path.
 * `buildRequest` is public and meant to be overridden (the SDK's Azure client does); the test beside
 * this file checks that both paths build the same request.
 */
export function withReusedHeaders(Base: typeof OpenAI): typeof OpenAI {
  class ReusedHeadersClient extends Base {
    private readonly templates = new Map<string, CallTemplate>();
    /** Set when the client's fetch is the pooled one, which sends PreparedHeaders as they are. */
    private readonly fetchTakesPrepared: boolean;

    constructor(...args: ConstructorParameters<typeof OpenAI>) {
      super(...args);
      this.fetchTakesPrepared = takesPreparedHeaders(args[0]?.fetch);
    }

    override async buildRequest(options: RequestOptions, { retryCount = 0 }: { retryCount?: number } = {}): Promise<BuiltRequest> {
      // A client-wide idempotency header or fetch options would make every call differ, too.
      const plain = isPlainCall(options) && this.idempotencyHeader === undefined && this.fetchOptions == null;
      if (!plain) return super.buildRequest(options, { retryCount });
      const template = await this.templateFor(options);
      const req = {
        method: options.method,
        // Not the SDK's Headers object: after buildRequest the SDK only hands req to fetch and to
        // its log formatter, which both take a plain record, and the pooled fetch takes PreparedHeaders.
        headers: (this.fetchTakesPrepared ? preparedHeaders(template, retryCount) : headersFor(template, retryCount)) as unknown as Headers,
        ...(options.signal && { signal: options.signal }),
        body: JSON.stringify(options.body),
      };
      return { req, url: template.url, timeout: this.timeout };
    }

    private async templateFor(options: RequestOptions): Promise<CallTemplate> {
      const key = `${options.method} ${options.path}`;
      const known = this.templates.get(key);
      if (known !== undefined && known.apiKey === this.apiKey) return known;
      const built = await super.buildRequest({ method: options.method, path: options.path, body: {} }, { retryCount: 0 });
      const headers: Record<string, string> = {};
      built.req.headers.forEach((value, name) => (headers[name] = value));
      const template = { apiKey: this.apiKey, url: built.url, headers, countsRetries: RETRY_COUNT in headers, prepared: [] };
      if (this.templates.size >= MAX_TEMPLATES) this.templates.clear();
      this.templates.set(key, template);
      return template;
    }
  }
  // The SDK's User-Agent is the client class's name: keep it the official one.
  Object.defineProperty(ReusedHeadersClient, 'name', { value: Base.name });
  return ReusedHeadersClient;
}
