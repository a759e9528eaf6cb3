/**
 * A Google Gemini API upstream emulator: a real HTTP server on 127.0.0.1 that speaks the wire
 * format of generativelanguage.googleapis.com, for the official @google/genai SDK pointed at it
 * with `httpOptions.baseUrl`:
 *
 *   POST /{version}/models/{model}:generateContent
 *   POST /{version}/models/{model}:streamGenerateContent?alt=sse   (SSE, one GenerateContentResponse per event)
 *   POST /{version}/models/{model}:embedContent | :batchEmbedContents
 *   POST /{version}/models/{model}:predict                          (Imagen)
 *   GET  /{version}/models[?pageSize&pageToken] and /{version}/models/{model}
 *
 * The API key travels in `x-goog-api-key` (or the `key` query parameter); with `apiKey` set,
 * a missing key gets Google's 403 and a wrong one Google's 400 API_KEY_INVALID. Requests are
 * checked as Google checks them (gemini/validate.ts). Scripted through the shared Emulator
 * contract; recorded responses replay as recorded (enqueueRecorded, see gemini/fixtures.ts).
 */
import http from 'node:http';
import type { Emulator, RecordedRequest, ScriptedReply } from './types';
import {
  EmulatorState,
  INVALID_JSON,
  closeServer,
  hashText,
  listenEphemeral,
  makePng,
  parseJsonBody,
  readBody,
  recordOf,
  seededRandom,
  sendJson,
  sleep,
} from './http-util';
import { planAnswer, responseBody, signsThoughts, streamSlices } from './gemini/answer';
import type { RecordedGeminiResponse } from './gemini/fixtures';
import { googleError, invalidArgument, invalidKeyError, missingKeyError, modelNotFoundError, scriptedError, type GoogleError } from './gemini/google-errors';
import { validateGenerateContent } from './gemini/validate';

export type { RecordedGeminiResponse } from './gemini/fixtures';

export interface GeminiModelEntry {
  /** Without the `models/` prefix. */
  id: string;
  methods: string[];
  thinking?: boolean;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
}

export interface GeminiEmulatorOptions {
  /** When set, requests must carry it (x-goog-api-key header or `key` query parameter). */
  apiKey?: string;
  /** Models served by the list endpoints; a listed model also refuses methods it does not support. */
  models?: GeminiModelEntry[];
  /** Keep every request in `requests` (default true). */
  recordRequests?: boolean;
}

export interface GeminiRecordedRequest extends RecordedRequest {
  /** The API version path segment (v1beta, v1, v1alpha). */
  apiVersion?: string;
  /** The model named in the path, without `models/`. */
  model?: string;
  /** The RPC after the colon: generateContent, streamGenerateContent, embedContent, ... */
  rpc?: string;
}

export interface GeminiEmulator extends Emulator {
  readonly requests: GeminiRecordedRequest[];
  /** http://127.0.0.1:PORT (the SDK's baseUrl: it appends /{version}/...). */
  readonly origin: string;
  /** Answers the next requests with these recorded responses, verbatim and in order. */
  enqueueRecorded(...responses: RecordedGeminiResponse[]): void;
}

type QueueItem = { kind: 'reply'; reply: ScriptedReply } | { kind: 'recorded'; response: RecordedGeminiResponse };

const DEFAULT_MODELS: GeminiModelEntry[] = [
  { id: 'gemini-2.0-flash', methods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'], inputTokenLimit: 1_048_576, outputTokenLimit: 8192 },
  { id: 'gemini-2.5-flash', methods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'], thinking: true, inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 },
  { id: 'gemini-2.5-pro', methods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'], thinking: true, inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 },
  { id: 'gemini-3-pro-preview', methods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'], thinking: true, inputTokenLimit: 1_048_576, outputTokenLimit: 65_536 },
  { id: 'text-embedding-004', methods: ['embedContent'], inputTokenLimit: 2048, outputTokenLimit: 1 },
  { id: 'gemini-embedding-001', methods: ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'], inputTokenLimit: 2048, outputTokenLimit: 1 },
  { id: 'imagen-4.0-generate-001', methods: ['predict'], inputTokenLimit: 480, outputTokenLimit: 8192 },
];

/** Google's documented stand-in signature for function calls that did not come from the model. */
const SKIP_SIGNATURE_VALUE = 'skip_thought_signature_validator';

const ASPECT_SIZES: Record<string, [number, number]> = { '1:1': [8, 8], '3:4': [6, 8], '4:3': [8, 6], '9:16': [9, 16], '16:9': [16, 9] };
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8', vary: 'Origin, X-Origin, Referer', server: 'scaffolding on HTTPServer2' };
const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 50;

/** Which part of a batch request the method's name refers to (`batchEmbedContents` counts as embedContent). */
const METHOD_OF_RPC: Record<string, string> = {
  generateContent: 'generateContent',
  streamGenerateContent: 'generateContent',
  embedContent: 'embedContent',
  batchEmbedContents: 'embedContent',
  predict: 'predict',
};

interface Route {
  apiVersion: string;
  model?: string;
  rpc?: string;
  list?: boolean;
}

export async function startGeminiEmulator(options: GeminiEmulatorOptions = {}): Promise<GeminiEmulator> {
  const state = new EmulatorState<QueueItem>(options.recordRequests ?? true);
  const models = options.models ?? DEFAULT_MODELS;
  const issuedSignatures = new Set<string>([SKIP_SIGNATURE_VALUE]);

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const message = `emulator failure: ${err instanceof Error ? err.message : String(err)}`;
      if (!res.headersSent) sendGoogleError(res, googleError(500, message));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
    const body = parseJsonBody(text);
    const record: GeminiRecordedRequest = recordOf(req, body === INVALID_JSON ? text : body);
    const route = matchRoute(req.method ?? 'GET', record.path);
    if (route) Object.assign(record, { apiVersion: route.apiVersion, model: route.model, rpc: route.rpc });
    state.record(record);

    if (!route) return sendGoogleError(res, googleError(404, `Method not found: ${req.method} ${record.path}`));
    const denied = checkKey(req, record.query);
    if (denied) return sendGoogleError(res, denied);
    if (body === INVALID_JSON) return sendGoogleError(res, invalidArgument('Invalid JSON payload received. Unexpected token.'));

    const item = state.next();
    const watch = state.watchAbort(res);
    const streamed = route.rpc === 'streamGenerateContent';
    if (item?.kind === 'recorded') return replay(item.response, streamed, record.query.alt === 'sse', res, watch);

    const reply = item?.reply;
    if (reply?.latencyMs) {
      await sleep(reply.latencyMs);
      if (watch.closed) return;
    }
    if (reply?.reset) return watch.destroyByEmulator();
    const model = route.model ?? '';
    if (reply?.error) return sendGoogleError(res, scriptedError(reply.error, model, route.apiVersion, METHOD_OF_RPC[route.rpc ?? ''] ?? 'generateContent'));

    if (route.list) return listModels(record.query, res);
    if (!route.rpc) {
      const entry = models.find((m) => m.id === model);
      return entry ? sendJson(res, 200, modelObject(entry), JSON_HEADERS) : sendGoogleError(res, googleError(404, `Model is not found: models/${model} for api version ${route.apiVersion}`));
    }
    const method = METHOD_OF_RPC[route.rpc];
    const known = models.find((m) => m.id === model);
    if (!method || (known && !known.methods.includes(method))) {
      return sendGoogleError(res, method ? modelNotFoundError(model, route.apiVersion, method) : googleError(404, `Method not found: ${route.rpc}`));
    }
    const payload = (body ?? {}) as Record<string, unknown>;
    switch (method) {
      case 'generateContent':
        return generate(payload, model, reply, streamed, record.query.alt === 'sse', res, watch);
      case 'embedContent':
        return embed(payload, route.rpc === 'batchEmbedContents', model, res);
      case 'predict':
        return predict(payload, reply, res);
    }
  }

  function checkKey(req: http.IncomingMessage, query: Record<string, string>): GoogleError | undefined {
    if (options.apiKey === undefined) return undefined;
    const header = req.headers['x-goog-api-key'];
    const key = (Array.isArray(header) ? header[0] : header) ?? query.key;
    if (!key) return missingKeyError();
    return key === options.apiKey ? undefined : invalidKeyError();
  }

  /* ----------------------------------------------------------------- generateContent */

  async function generate(body: Record<string, unknown>, model: string, reply: ScriptedReply | undefined, streamed: boolean, sse: boolean, res: http.ServerResponse, watch: Watch): Promise<void> {
    const problem = validateGenerateContent(body, { requireThoughtSignatures: signsThoughts(model), knownSignatures: issuedSignatures });
    if (problem) return sendGoogleError(res, invalidArgument(problem));
    const answer = planAnswer(reply, body, model);
    if (answer.signature) issuedSignatures.add(answer.signature);
    if (!streamed) return sendJson(res, 200, responseBody(answer), JSON_HEADERS);
    const events = streamSlices(answer).map((slice) => JSON.stringify(slice));
    return writeStream(res, watch, events, sse, reply?.chunkDelayMs ?? 0, reply?.cutAfterEvents);
  }

  /**
   * Google's SSE: `data: <json>` events separated by CRLF pairs. Without `alt=sse` the same
   * responses come as one JSON array, written progressively.
   */
  async function writeStream(res: http.ServerResponse, watch: Watch, events: string[], sse: boolean, delayMs: number, cutAfter: number | undefined, headers: Record<string, string> = {}): Promise<void> {
    const defaults = sse
      ? { 'content-type': 'text/event-stream', 'content-disposition': 'attachment', vary: JSON_HEADERS.vary, server: JSON_HEADERS.server }
      : JSON_HEADERS;
    res.writeHead(200, mergeHeaders(defaults, headers));
    const limit = cutAfter ?? Infinity;
    const frame = (event: string, i: number) => (sse ? `data: ${event}\r\n\r\n` : `${i === 0 ? '[' : ',\r\n'}${event}`);
    // A cut lets what was written reach the client first, as a connection dropped mid-stream does.
    const cut = async () => {
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      watch.destroyByEmulator();
    };
    for (let i = 0; i < events.length; i++) {
      if (i >= limit) return cut();
      if (i > 0 && delayMs > 0) await sleep(delayMs);
      if (watch.closed) return;
      res.write(frame(events[i], i));
    }
    if (limit <= events.length) return cut();
    res.end(sse ? undefined : events.length === 0 ? '[]' : ']');
  }

  function replay(response: RecordedGeminiResponse, streamed: boolean, sse: boolean, res: http.ServerResponse, watch: Watch): void | Promise<void> {
    const status = response.status ?? 200;
    if (response.events) {
      if (!streamed) return sendGoogleError(res, googleError(500, 'emulator: a recorded stream was queued for a request that is not streamed'));
      return writeStream(res, watch, response.events, sse, response.chunkDelayMs ?? 0, undefined, response.headers);
    }
    const text = response.body ?? '{}';
    res.writeHead(status, { ...mergeHeaders(JSON_HEADERS, response.headers ?? {}), 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  /* ---------------------------------------------------------------------- embeddings */

  function embed(body: Record<string, unknown>, batch: boolean, model: string, res: http.ServerResponse): void {
    const requests = batch ? body.requests : [body];
    if (!Array.isArray(requests) || requests.length === 0) {
      return sendGoogleError(res, invalidArgument('* BatchEmbedContentsRequest.requests: requests is not specified\n'));
    }
    const embeddings: { values: number[] }[] = [];
    for (let i = 0; i < requests.length; i++) {
      const request = requests[i] as Record<string, unknown>;
      const where = batch ? `BatchEmbedContentsRequest.requests[${i}]` : 'EmbedContentRequest';
      const parts = (request?.content as { parts?: { text?: unknown }[] } | undefined)?.parts;
      if (!Array.isArray(parts) || parts.length === 0) return sendGoogleError(res, invalidArgument(`* ${where}.content.parts: contents.parts must not be empty.\n`));
      if (batch && typeof request.model === 'string' && request.model.replace(/^models\//, '') !== model) {
        return sendGoogleError(res, invalidArgument(`* ${where}.model: Model names in the batch request must match the model in the URL.\n`));
      }
      const text = parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join(' ');
      const dims = request.outputDimensionality ?? (model === 'gemini-embedding-001' ? 3072 : 768);
      if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > 3072) {
        return sendGoogleError(res, invalidArgument(`* ${where}.output_dimensionality: output_dimensionality must be between 1 and 3072.\n`));
      }
      embeddings.push({ values: embeddingValues(text, dims) });
    }
    sendJson(res, 200, batch ? { embeddings } : { embedding: embeddings[0] }, JSON_HEADERS);
  }

  /* -------------------------------------------------------------------------- Imagen */

  function predict(body: Record<string, unknown>, reply: ScriptedReply | undefined, res: http.ServerResponse): void {
    const prompt = (body.instances as { prompt?: unknown }[] | undefined)?.[0]?.prompt;
    if (typeof prompt !== 'string' || prompt === '') return sendGoogleError(res, invalidArgument('* PredictRequest.instances[0].prompt: prompt is not specified\n'));
    const parameters = (body.parameters ?? {}) as Record<string, unknown>;
    const count = parameters.sampleCount ?? 4;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 4) {
      return sendGoogleError(res, invalidArgument('Number of images should be between 1 and 4.'));
    }
    const aspect = parameters.aspectRatio ?? '1:1';
    const size = typeof aspect === 'string' ? ASPECT_SIZES[aspect] : undefined;
    if (!size) return sendGoogleError(res, invalidArgument(`Unsupported aspect ratio: ${String(aspect)}. Supported values are 1:1, 3:4, 4:3, 9:16, 16:9.`));
    if (reply?.finish === 'content_filter') {
      return sendJson(res, 200, { predictions: [{ raiFilteredReason: "Unable to show generated images. All images were filtered out because they violated Gemini API's Responsible AI practices." }] }, JSON_HEADERS);
    }
    const seed = hashText(prompt);
    const predictions = Array.from({ length: count }, (_, i) => {
      const random = seededRandom(seed + i);
      const png = makePng(size[0], size[1], [Math.floor(random() * 256), Math.floor(random() * 256), Math.floor(random() * 256)]);
      return { mimeType: 'image/png', bytesBase64Encoded: png.toString('base64') };
    });
    sendJson(res, 200, { predictions }, JSON_HEADERS);
  }

  /* -------------------------------------------------------------------------- models */

  function listModels(query: Record<string, string>, res: http.ServerResponse): void {
    const requested = query.pageSize === undefined ? DEFAULT_PAGE_SIZE : Number(query.pageSize);
    const pageSize = Number.isInteger(requested) && requested > 0 ? Math.min(requested, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
    const offset = query.pageToken ? Number(Buffer.from(query.pageToken, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) return sendGoogleError(res, invalidArgument('Invalid page token.'));
    const page = models.slice(offset, offset + pageSize);
    const next = offset + pageSize < models.length ? Buffer.from(String(offset + pageSize)).toString('base64url') : undefined;
    sendJson(res, 200, next ? { models: page.map(modelObject), nextPageToken: next } : { models: page.map(modelObject) }, JSON_HEADERS);
  }

  const { origin } = await listenEphemeral(server);

  return {
    url: origin,
    origin,
    get requests() {
      return state.requests as GeminiRecordedRequest[];
    },
    get aborted() {
      return state.aborted;
    },
    enqueue(...replies: ScriptedReply[]) {
      state.push(...replies.map((reply) => ({ kind: 'reply' as const, reply })));
    },
    enqueueRecorded(...responses: RecordedGeminiResponse[]) {
      state.push(...responses.map((response) => ({ kind: 'recorded' as const, response })));
    },
    reset() {
      state.reset();
    },
    close() {
      return closeServer(server);
    },
  };
}

type Watch = ReturnType<EmulatorState<QueueItem>['watchAbort']>;

/** Defaults overridden by (recorded) headers whatever their letter case. */
function mergeHeaders(defaults: Record<string, string>, headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...defaults };
  for (const [key, value] of Object.entries(headers)) out[key.toLowerCase()] = value;
  return out;
}

function sendGoogleError(res: http.ServerResponse, error: GoogleError): void {
  sendJson(res, error.httpStatus, error.body, JSON_HEADERS);
}

/** `/{version}/models` or `/{version}/models/{model}[:{rpc}]`. */
function matchRoute(method: string, rawPath: string): Route | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  const list = /^\/(v1|v1beta|v1alpha)\/models\/?$/.exec(path);
  if (list) return method === 'GET' ? { apiVersion: list[1], list: true } : undefined;
  const match = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+)(?::([A-Za-z]+))?$/.exec(path);
  if (!match) return undefined;
  if (match[3] === undefined) return method === 'GET' ? { apiVersion: match[1], model: match[2] } : undefined;
  return method === 'POST' ? { apiVersion: match[1], model: match[2], rpc: match[3] } : undefined;
}

function modelObject(entry: GeminiModelEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: `models/${entry.id}`,
    version: '001',
    displayName: entry.id,
    description: `Emulated ${entry.id}`,
    inputTokenLimit: entry.inputTokenLimit ?? 32_768,
    outputTokenLimit: entry.outputTokenLimit ?? 8192,
    supportedGenerationMethods: entry.methods,
  };
  if (entry.methods.includes('generateContent')) Object.assign(out, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 });
  if (entry.thinking) out.thinking = true;
  return out;
}

/** Deterministic, unit-length values derived from the text, so equal inputs embed equally. */
function embeddingValues(text: string, dims: number): number[] {
  const random = seededRandom(hashText(text));
  const values = Array.from({ length: dims }, () => random() * 2 - 1);
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0)) || 1;
  return values.map((v) => Number((v / norm).toFixed(8)));
}
