/**
 * An OpenAI (and Azure OpenAI) upstream emulator: a real HTTP server on 127.0.0.1 that speaks the
 * wire format of api.openai.com (chat completions as JSON and SSE, embeddings, image generation,
 * models) and of Azure's deployment routes. Scripted through the shared Emulator contract.
 *
 * Scripting: every API request (POST or GET, once past the key and api-version checks) takes the
 * next queued item: a ScriptedReply (`enqueue`), a recorded stream (`enqueueRaw`) or a recorded JSON
 * body (`enqueueJson`). With nothing queued, chat echoes the last user message. `cutAfterEvents`
 * counts SSE events, the first (role) chunk included.
 *
 * It is also the benchmark's upstream, so the hot path stays light: no logging, no per-request
 * allocation beyond what the response needs, whole streams written in one go when no delay is set.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Emulator, RecordedRequest, ScriptedReply, ScriptedToolCall } from './types';
import {
  EmulatorState,
  INVALID_JSON,
  closeServer,
  estimateTokens,
  hashText,
  listenEphemeral,
  makePng,
  parseJsonBody,
  readBody,
  recordOf,
  seededRandom,
  sendJson,
  sleep,
  splitInPieces,
  splitWords,
  sseEvent,
  startSse,
} from './http-util';

export interface OpenAIEmulatorOptions {
  /** When set, requests must carry it (`Authorization: Bearer`, or `api-key` on Azure routes). */
  apiKey?: string;
  /** Make `url` the Azure endpoint (the origin; the SDK appends /openai) instead of `<origin>/v1`. */
  azure?: boolean;
  /** Model ids served by GET /v1/models. */
  models?: string[];
  /** Keep every request in `requests` (default true; the benchmark may turn it off). */
  recordRequests?: boolean;
}

export interface OpenAIRecordedRequest extends RecordedRequest {
  /** Azure routes only: the deployment named in the path. */
  deployment?: string;
  /** Azure routes only: the `api-version` query parameter. */
  apiVersion?: string;
}

export interface OpenAIEmulator extends Emulator {
  readonly requests: OpenAIRecordedRequest[];
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** http://127.0.0.1:PORT/v1, the OpenAI base URL. */
  readonly openaiUrl: string;
  /** http://127.0.0.1:PORT, the Azure endpoint (routes live under /openai). */
  readonly azureEndpoint: string;
  /** Replays these chunk objects verbatim as the next response's SSE stream, then `data: [DONE]`. */
  enqueueRaw(chunks: unknown[], options?: { chunkDelayMs?: number }): void;
  /** Answers the next request with this JSON body verbatim (a recorded response or error). */
  enqueueJson(body: unknown, options?: { status?: number; headers?: Record<string, string> }): void;
}

type QueueItem =
  | { kind: 'reply'; reply: ScriptedReply }
  | { kind: 'sse'; chunks: unknown[]; chunkDelayMs: number }
  | { kind: 'json'; body: unknown; status: number; headers: Record<string, string> };

type Endpoint = 'chat' | 'embeddings' | 'images' | 'models' | 'model';

interface Route {
  endpoint: Endpoint;
  azure: boolean;
  deployment?: string;
  modelId?: string;
}

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-nano', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002', 'dall-e-3', 'gpt-image-1'];
const MODEL_CREATED = 1_700_000_000;
const FINGERPRINT = 'fp_emulator01';

export async function startOpenAIEmulator(options: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
  const state = new EmulatorState<QueueItem>(options.recordRequests ?? true);
  const models = options.models ?? DEFAULT_MODELS;
  let sequence = 0;
  let origin = '';

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, errorBody('The server had an error while processing your request. Sorry about that!', 'server_error'));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
    const body = parseJsonBody(text);
    const record: OpenAIRecordedRequest = recordOf(req, body === INVALID_JSON ? text : body);

    if (req.method === 'GET' && record.path.startsWith('/files/images/')) return serveImageFile(record.path, res);

    const route = matchRoute(req.method ?? 'GET', record.path);
    if (route?.azure) {
      record.deployment = route.deployment;
      record.apiVersion = record.query['api-version'];
    }
    state.record(record);
    const requestId = `req_${(++sequence).toString(36)}${randomBytes(4).toString('hex')}`;
    const headers = { 'x-request-id': requestId };

    if (!route) {
      return sendJson(res, 404, errorBody(`Invalid URL (${req.method} ${record.path})`, 'invalid_request_error'), headers);
    }
    const denied = checkAuth(req, route);
    if (denied) return sendJson(res, 401, denied, headers);
    if (route.azure && !record.apiVersion) {
      return sendJson(res, 404, { error: { code: '404', message: 'Resource not found' } }, headers);
    }
    if (body === INVALID_JSON) {
      return sendJson(res, 400, errorBody("We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", 'invalid_request_error'), headers);
    }

    const item = state.next();
    const watch = state.watchAbort(res);
    if (item?.kind === 'json') return sendJson(res, item.status, item.body, { ...headers, ...item.headers });
    if (item?.kind === 'sse') return writeStream(res, watch, item.chunks.map((c) => sseEvent(c)), item.chunkDelayMs, undefined, headers);

    const reply = item?.reply;
    if (reply?.latencyMs) {
      await sleep(reply.latencyMs);
      if (watch.closed) return;
    }
    if (reply?.reset) return watch.destroyByEmulator();
    if (reply?.error) return sendScriptedError(req, res, route, reply.error, headers);

    const payload = (body ?? {}) as Record<string, unknown>;
    switch (route.endpoint) {
      case 'chat':
        return chat(payload, route, reply, res, watch, headers);
      case 'embeddings':
        return embeddings(payload, route, res, headers);
      case 'images':
        return images(payload, res, headers);
      case 'models':
        return sendJson(res, 200, { object: 'list', data: models.map(modelObject) }, headers);
      case 'model':
        return models.includes(route.modelId!)
          ? sendJson(res, 200, modelObject(route.modelId!), headers)
          : sendJson(res, 404, errorBody(`The model '${route.modelId}' does not exist`, 'invalid_request_error', 'model', 'model_not_found'), headers);
    }
  }

  function checkAuth(req: http.IncomingMessage, route: Route): unknown | undefined {
    if (options.apiKey === undefined) return undefined;
    const bearer = bearerToken(req);
    if (route.azure) {
      const key = headerValue(req, 'api-key');
      if (key === options.apiKey || bearer === options.apiKey) return undefined;
      return azureErrorBody(401, 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.');
    }
    if (bearer === options.apiKey) return undefined;
    if (!bearer) {
      return errorBody("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.", 'invalid_request_error');
    }
    return invalidKeyBody(bearer);
  }

  function sendScriptedError(req: http.IncomingMessage, res: http.ServerResponse, route: Route, error: NonNullable<ScriptedReply['error']>, headers: Record<string, string>): void {
    const extra: Record<string, string> = { ...headers };
    if (error.retryAfterSeconds !== undefined) extra['retry-after'] = String(error.retryAfterSeconds);
    const kind = error.kind ?? kindOfStatus(error.status);
    if (route.azure && (kind === 'rate_limit' || kind === 'auth')) {
      const message = error.message ?? (kind === 'auth' ? 'Access denied due to invalid subscription key or wrong API endpoint.' : `Requests to the ChatCompletions_Create Operation under Azure OpenAI API version ${req.url?.split('api-version=')[1] ?? ''} have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${error.retryAfterSeconds ?? 1} seconds.`);
      return sendJson(res, error.status, azureErrorBody(error.status, message), extra);
    }
    if (kind === 'auth' && error.message === undefined) return sendJson(res, error.status, invalidKeyBody(bearerToken(req) ?? headerValue(req, 'api-key') ?? ''), extra);
    return sendJson(res, error.status, scriptedErrorBody(kind, error.message), extra);
  }

  /* ---------------------------------------------------------------- chat completions */

  function chat(body: Record<string, unknown>, route: Route, reply: ScriptedReply | undefined, res: http.ServerResponse, watch: AbortWatch, headers: Record<string, string>): void | Promise<void> {
    const messages = body.messages;
    if (!route.azure && typeof body.model !== 'string') {
      return sendJson(res, 400, errorBody('you must provide a model parameter', 'invalid_request_error'), headers);
    }
    if (!Array.isArray(messages) || messages.length === 0) {
      return sendJson(res, 400, errorBody("Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter'), headers);
    }
    const n = typeof body.n === 'number' && body.n >= 1 ? Math.floor(body.n) : 1;
    const model = typeof body.model === 'string' ? body.model : route.deployment ?? 'unknown';
    const toolCalls = (reply?.toolCalls ?? []).map((call) => ({ ...call, id: call.id ?? `call_${randomBytes(12).toString('base64url')}` }));
    const text = reply?.text ?? (toolCalls.length > 0 ? null : echoText(messages));
    const answer: Answer = {
      text,
      reasoning: reply?.reasoning,
      toolCalls,
      finish: reply?.finish ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      usage: usageOf(reply, messages, text, toolCalls, n),
    };
    const base = { id: `chatcmpl-${randomBytes(15).toString('base64url')}`, created: Math.floor(Date.now() / 1000), model };
    if (body.stream === true) {
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      return writeStream(res, watch, streamEvents(base, answer, n, includeUsage), reply?.chunkDelayMs ?? 0, reply?.cutAfterEvents, headers);
    }
    sendJson(res, 200, completionObject(base, answer, n), headers);
  }

  async function writeStream(res: http.ServerResponse, watch: AbortWatch, events: string[], delayMs: number, cutAfter: number | undefined, headers: Record<string, string>): Promise<void> {
    startSse(res, headers);
    const limit = cutAfter ?? Infinity;
    if (delayMs <= 0) {
      // One write: the client still parses event by event, and the benchmark stays cheap.
      res.write(events.slice(0, Math.min(limit, events.length)).join(''));
      if (limit <= events.length) return watch.destroyByEmulator();
      res.end('data: [DONE]\n\n');
      return;
    }
    for (let i = 0; i < events.length; i++) {
      if (i >= limit) return watch.destroyByEmulator();
      if (i > 0) await sleep(delayMs);
      if (watch.closed) return;
      res.write(events[i]);
    }
    if (limit <= events.length) return watch.destroyByEmulator();
    res.end('data: [DONE]\n\n');
  }

  /* ---------------------------------------------------------------------- embeddings */

  function embeddings(body: Record<string, unknown>, route: Route, res: http.ServerResponse, headers: Record<string, string>): void {
    const model = typeof body.model === 'string' ? body.model : route.deployment ?? 'text-embedding-3-small';
    const inputs = embeddingInputs(body.input);
    if (!inputs) {
      return sendJson(res, 400, errorBody("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'invalid_request_error'), headers);
    }
    if (body.dimensions !== undefined && model === 'text-embedding-ada-002') {
      return sendJson(res, 400, errorBody('This model does not support specifying dimensions.', 'invalid_request_error', null, null), headers);
    }
    const dims = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.floor(body.dimensions) : model === 'text-embedding-3-large' ? 3072 : 1536;
    const base64 = body.encoding_format === 'base64';
    let tokens = 0;
    const data = inputs.map((input, index) => {
      tokens += typeof input === 'string' ? estimateTokens(input) : input.length;
      const vector = embeddingVector(typeof input === 'string' ? input : input.join(','), dims);
      const embedding = base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : Array.from(vector, shortestFloat32);
      return { object: 'embedding', index, embedding };
    });
    sendJson(res, 200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }, headers);
  }

  /* -------------------------------------------------------------------------- images */

  function images(body: Record<string, unknown>, res: http.ServerResponse, headers: Record<string, string>): void {
    if (typeof body.prompt !== 'string' || body.prompt.length === 0) {
      return sendJson(res, 400, errorBody("Missing required parameter: 'prompt'.", 'invalid_request_error', 'prompt', 'missing_required_parameter'), headers);
    }
    const model = typeof body.model === 'string' ? body.model : 'dall-e-2';
    const n = typeof body.n === 'number' && body.n >= 1 ? Math.floor(body.n) : 1;
    const seed = hashText(body.prompt);
    const data = Array.from({ length: n }, (_, i) => {
      const image: Record<string, string> =
        body.response_format === 'url' ? { url: `${origin}/files/images/${seed}-${i}.png` } : { b64_json: pngForSeed(seed, i).toString('base64') };
      if (model === 'dall-e-3') image.revised_prompt = `A detailed rendering of: ${body.prompt}`;
      return image;
    });
    const response: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
    if (model.startsWith('gpt-image')) {
      const input = estimateTokens(body.prompt);
      response.usage = { total_tokens: input + 272 * n, input_tokens: input, output_tokens: 272 * n, input_tokens_details: { text_tokens: input, image_tokens: 0 } };
    }
    sendJson(res, 200, response, headers);
  }

  function serveImageFile(path: string, res: http.ServerResponse): void {
    const match = /^\/files\/images\/(\d+)-(\d+)\.png$/.exec(path);
    if (!match) return sendJson(res, 404, errorBody('File not found', 'invalid_request_error'));
    const png = pngForSeed(Number(match[1]), Number(match[2]));
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
    res.end(png);
  }

  const { origin: listeningOrigin } = await listenEphemeral(server);
  origin = listeningOrigin;

  return {
    url: options.azure ? origin : `${origin}/v1`,
    origin,
    openaiUrl: `${origin}/v1`,
    azureEndpoint: origin,
    get requests() {
      return state.requests as OpenAIRecordedRequest[];
    },
    get aborted() {
      return state.aborted;
    },
    enqueue(...replies: ScriptedReply[]) {
      state.push(...replies.map((reply) => ({ kind: 'reply' as const, reply })));
    },
    enqueueRaw(chunks: unknown[], opts: { chunkDelayMs?: number } = {}) {
      state.push({ kind: 'sse', chunks, chunkDelayMs: opts.chunkDelayMs ?? 0 });
    },
    enqueueJson(body: unknown, opts: { status?: number; headers?: Record<string, string> } = {}) {
      state.push({ kind: 'json', body, status: opts.status ?? 200, headers: opts.headers ?? {} });
    },
    reset() {
      state.reset();
    },
    close() {
      return closeServer(server);
    },
  };
}

/* ------------------------------------------------------------------------ routing */

function matchRoute(method: string, path: string): Route | undefined {
  if (path.startsWith('/v1/')) {
    const rest = path.slice(4);
    if (method === 'POST') {
      if (rest === 'chat/completions') return { endpoint: 'chat', azure: false };
      if (rest === 'embeddings') return { endpoint: 'embeddings', azure: false };
      if (rest === 'images/generations') return { endpoint: 'images', azure: false };
    } else if (method === 'GET') {
      if (rest === 'models') return { endpoint: 'models', azure: false };
      if (rest.startsWith('models/') && rest.length > 7) return { endpoint: 'model', azure: false, modelId: decodeURIComponent(rest.slice(7)) };
    }
    return undefined;
  }
  if (path.startsWith('/openai/')) {
    if (method === 'GET' && path === '/openai/models') return { endpoint: 'models', azure: true };
    const match = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings|images\/generations)$/.exec(path);
    if (method === 'POST' && match) {
      const endpoint: Endpoint = match[2] === 'chat/completions' ? 'chat' : match[2] === 'embeddings' ? 'embeddings' : 'images';
      return { endpoint, azure: true, deployment: decodeURIComponent(match[1]) };
    }
  }
  return undefined;
}

/* ------------------------------------------------------------------ wire objects */

type AbortWatch = ReturnType<EmulatorState<QueueItem>['watchAbort']>;

interface Answer {
  text: string | null;
  reasoning?: string;
  toolCalls: Required<ScriptedToolCall>[];
  finish: NonNullable<ScriptedReply['finish']>;
  usage: Record<string, unknown>;
}

interface Base {
  id: string;
  created: number;
  model: string;
}

function completionObject(base: Base, answer: Answer, n: number): unknown {
  const choices = Array.from({ length: n }, (_, index) => {
    const message: Record<string, unknown> = { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
    if (answer.reasoning !== undefined) message.reasoning_content = answer.reasoning;
    if (answer.toolCalls.length > 0) {
      message.tool_calls = answer.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
    }
    return { index, message, logprobs: null, finish_reason: answer.finish };
  });
  return { id: base.id, object: 'chat.completion', created: base.created, model: base.model, choices, usage: answer.usage, service_tier: 'default', system_fingerprint: FINGERPRINT };
}

/** The SSE events of one streamed completion, in the order OpenAI sends them (without [DONE]). */
function streamEvents(base: Base, answer: Answer, n: number, includeUsage: boolean): string[] {
  const head = `{"id":${JSON.stringify(base.id)},"object":"chat.completion.chunk","created":${base.created},"model":${JSON.stringify(base.model)},"service_tier":"default","system_fingerprint":"${FINGERPRINT}","choices":[`;
  const tail = includeUsage ? '],"usage":null}' : ']}';
  const event = (index: number, delta: unknown, finish: string | null = null) =>
    `data: ${head}{"index":${index},"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish === null ? 'null' : JSON.stringify(finish)}}${tail}\n\n`;

  const events: string[] = [];
  for (let index = 0; index < n; index++) {
    events.push(event(index, { role: 'assistant', content: answer.text === null ? null : '', refusal: null }));
    if (answer.reasoning) for (const word of splitWords(answer.reasoning)) events.push(event(index, { reasoning_content: word }));
    if (answer.text) for (const word of splitWords(answer.text)) events.push(event(index, { content: word }));
    answer.toolCalls.forEach((call, callIndex) => {
      events.push(event(index, { tool_calls: [{ index: callIndex, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
      for (const piece of splitInPieces(call.arguments, 4)) {
        events.push(event(index, { tool_calls: [{ index: callIndex, function: { arguments: piece } }] }));
      }
    });
    events.push(event(index, {}, answer.finish));
  }
  if (includeUsage) {
    events.push(`data: ${head.slice(0, -1)}[],"usage":${JSON.stringify(answer.usage)}}\n\n`);
  }
  return events;
}

function usageOf(reply: ScriptedReply | undefined, messages: unknown[], text: string | null, toolCalls: ScriptedToolCall[], n: number): Record<string, unknown> {
  const scripted = reply?.usage;
  const prompt = scripted?.input ?? estimateTokens(messagesText(messages));
  const completion =
    scripted?.output ?? n * (estimateTokens(text ?? '') + estimateTokens(reply?.reasoning ?? '') + toolCalls.reduce((sum, c) => sum + estimateTokens(c.name + c.arguments), 0));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: scripted?.cachedInput ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: scripted?.reasoning ?? (reply?.reasoning ? n * estimateTokens(reply.reasoning) : 0),
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The text of the last user message: the emulator's answer when nothing is scripted. */
function echoText(messages: unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: string; content?: unknown };
    if (message?.role === 'user') return contentText(message.content);
  }
  return '';
}

function messagesText(messages: unknown[]): string {
  return messages.map((m) => contentText((m as { content?: unknown })?.content)).join('\n');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part): part is { type: 'text'; text: string } => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join(' ');
}

function modelObject(id: string) {
  return { id, object: 'model', created: MODEL_CREATED, owned_by: id.startsWith('gpt') || id.startsWith('o') ? 'system' : 'openai' };
}

function embeddingInputs(input: unknown): (string | number[])[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === 'string')) return input as string[];
  if (input.every((x) => typeof x === 'number')) return [input as number[]];
  if (input.every((x) => Array.isArray(x) && x.every((t) => typeof t === 'number'))) return input as number[][];
  return undefined;
}

/** A unit-length vector derived from the text alone, so equal inputs embed equally. */
function embeddingVector(text: string, dims: number): Float32Array {
  const random = seededRandom(hashText(text));
  const vector = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    const v = random() * 2 - 1;
    vector[i] = v;
    norm += v * v;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dims; i++) vector[i] *= scale;
  return vector;
}

/** The shortest decimal that reads back as the same float32, as OpenAI prints its floats. */
function shortestFloat32(value: number): number {
  for (let digits = 6; digits < 10; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function pngForSeed(seed: number, index: number): Buffer {
  const random = seededRandom(seed + index);
  return makePng(8, 8, [Math.floor(random() * 256), Math.floor(random() * 256), Math.floor(random() * 256)]);
}

/* ------------------------------------------------------------------------- errors */

type ErrorKind = NonNullable<NonNullable<ScriptedReply['error']>['kind']>;

function errorBody(message: string, type: string, param: string | null = null, code: string | null = null) {
  return { error: { message, type, param, code } };
}

function azureErrorBody(status: number, message: string) {
  return { error: { code: String(status), message } };
}

function invalidKeyBody(key: string) {
  return errorBody(`Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key');
}

/** OpenAI shows a key's first and last characters only. */
function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}` : '***';
}

function kindOfStatus(status: number): ErrorKind {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 503 || status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  return 'invalid';
}

function scriptedErrorBody(kind: ErrorKind, message: string | undefined) {
  switch (kind) {
    case 'rate_limit':
      return errorBody(message ?? 'Rate limit reached for requests. Please try again in 1s.', 'requests', null, 'rate_limit_exceeded');
    case 'overloaded':
      return errorBody(message ?? 'The engine is currently overloaded, please try again later.', 'server_error', null, null);
    case 'server':
      return errorBody(message ?? 'The server had an error while processing your request. Sorry about that!', 'server_error', null, null);
    case 'not_found':
      return errorBody(message ?? 'The model does not exist or you do not have access to it.', 'invalid_request_error', 'model', 'model_not_found');
    case 'auth':
      return errorBody(message ?? 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    case 'invalid':
      return errorBody(message ?? 'Invalid request.', 'invalid_request_error', null, null);
  }
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function bearerToken(req: http.IncomingMessage): string | undefined {
  const value = headerValue(req, 'authorization');
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return match ? match[1].trim() : undefined;
}
