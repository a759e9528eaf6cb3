/**
 * An Anthropic upstream emulator: a real HTTP server on 127.0.0.1 that speaks the wire format of
 * api.anthropic.com, so the official SDK (and the provider plugin built on it) can talk to it.
 *
 * - POST /v1/messages, as JSON or as SSE with `event:` lines (see anthropic/wire.ts for the
 *   event order), with the request checks the real API makes (anthropic/validate.ts).
 * - GET /v1/models (paginated with limit / after_id / before_id) and GET /v1/models/{id}.
 * - `x-api-key` and `anthropic-version` are required, and a wrong key gets the real 401 body.
 * - Scripted through the shared Emulator contract; with nothing queued it echoes the text of
 *   the last user message. Scripted usage is in canonical terms: `input` is the whole prompt,
 *   and the emulator reports `input_tokens` as input minus cache reads and cache writes, as
 *   Anthropic does.
 * - A request that forces a tool (tool_choice {type: 'tool'}) and gets a JSON-object text
 *   answer is answered the way Claude would: by calling that tool with the object as input.
 * - Recorded streams and bodies replay verbatim (enqueueSse / enqueueEvents / enqueueJson /
 *   enqueueFixture).
 */
import http from 'node:http';
import type { Emulator, ScriptedReply } from './types';
import { EmulatorState, INVALID_JSON, closeServer, estimateTokens, listenEphemeral, parseJsonBody, readBody, recordOf, sendJson, sleep, startSse } from './http-util';
import { errorBody, scriptedErrorBody } from './anthropic/errors';
import { chunksToSse, type AnthropicFixture } from './anthropic/fixtures';
import { validateMessagesRequest } from './anthropic/validate';
import { anthropicId, frame, messageBody, streamEvents, type PlannedAnswer, type PlannedUsage } from './anthropic/wire';

export { loadAnthropicFixtures, chunksToSse, chunkLines, parseSse, anthropicFixturesDir, type AnthropicFixture } from './anthropic/fixtures';

export interface AnthropicModelEntry {
  id: string;
  display_name?: string;
  created_at?: string;
  capabilities?: { image_input?: { supported: boolean }; thinking?: { supported: boolean } } | null;
}

export interface AnthropicEmulatorOptions {
  /** The key requests must carry in `x-api-key` (default: a fixed emulator key, see `apiKey`). */
  apiKey?: string;
  /** Models served by GET /v1/models. */
  models?: (string | AnthropicModelEntry)[];
  /** Keep every request in `requests` (default true). */
  recordRequests?: boolean;
}

export interface RawReplayOptions {
  chunkDelayMs?: number;
  /** Destroy the connection after this many content_block_delta events. */
  cutAfterEvents?: number;
  headers?: Record<string, string>;
}

export interface AnthropicEmulator extends Emulator {
  /** http://127.0.0.1:PORT: the SDK's baseURL (it appends /v1/...). Same as `url`. */
  readonly origin: string;
  /** The key the emulator accepts. */
  readonly apiKey: string;
  /** Answer the next request with these exact SSE bytes. */
  enqueueSse(text: string, options?: RawReplayOptions): void;
  /** Answer the next request with these `data:` payloads as SSE, each under an `event:` line named by its `type`. */
  enqueueEvents(payloads: (string | Record<string, unknown>)[], options?: RawReplayOptions): void;
  /** Answer the next request with this JSON body verbatim (a recorded message or error). */
  enqueueJson(body: unknown, options?: { status?: number; headers?: Record<string, string> }): void;
  /** Replay a recorded fixture: .sse verbatim, .chunks.txt with event lines added, .json as the body. */
  enqueueFixture(fixture: AnthropicFixture, options?: RawReplayOptions): void;
}

type QueueItem =
  | { kind: 'reply'; reply: ScriptedReply }
  | { kind: 'sse'; text: string; options: RawReplayOptions }
  | { kind: 'json'; body: unknown; status: number; headers: Record<string, string> };

type AbortWatch = ReturnType<EmulatorState<QueueItem>['watchAbort']>;

export const DEFAULT_ANTHROPIC_EMULATOR_KEY = 'sk-ant-emulator-0123456789abcdef';
const SUPPORTED_VERSIONS = new Set(['2023-06-01', '2023-01-01']);
const DEFAULT_MODELS: AnthropicModelEntry[] = [
  { id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z', capabilities: { image_input: { supported: true }, thinking: { supported: true } } },
  { id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z', capabilities: { image_input: { supported: true }, thinking: { supported: true } } },
  { id: 'claude-3-haiku-20240307', display_name: 'Claude Haiku 3', created_at: '2024-03-07T00:00:00Z', capabilities: { image_input: { supported: true }, thinking: { supported: false } } },
];

export async function startAnthropicEmulator(options: AnthropicEmulatorOptions = {}): Promise<AnthropicEmulator> {
  const apiKey = options.apiKey ?? DEFAULT_ANTHROPIC_EMULATOR_KEY;
  const state = new EmulatorState<QueueItem>(options.recordRequests ?? true);
  const models = (options.models ?? DEFAULT_MODELS).map((m) => modelObject(typeof m === 'string' ? { id: m } : m));

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, errorBody('api_error', 'Internal server error'));
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = req.method === 'GET' || req.method === 'HEAD' ? '' : await readBody(req);
    const body = parseJsonBody(text);
    const record = recordOf(req, body === INVALID_JSON ? text : body);
    state.record(record);
    const requestId = anthropicId('req');
    const headers = { 'request-id': requestId };

    const route = matchRoute(req.method ?? 'GET', record.path);
    if (!route) return sendJson(res, 404, errorBody('not_found_error', 'Not Found', requestId), headers);

    const key = headerValue(req, 'x-api-key');
    if (key !== apiKey) {
      return sendJson(res, 401, errorBody('authentication_error', key ? 'invalid x-api-key' : 'x-api-key header is required', requestId), headers);
    }
    const version = headerValue(req, 'anthropic-version');
    if (!version) return sendJson(res, 400, errorBody('invalid_request_error', 'anthropic-version: header is required', requestId), headers);
    if (!SUPPORTED_VERSIONS.has(version)) return sendJson(res, 400, errorBody('invalid_request_error', `anthropic-version: invalid version '${version}'`, requestId), headers);

    if (route.endpoint === 'messages') {
      if (body === INVALID_JSON) return sendJson(res, 400, errorBody('invalid_request_error', 'There was an error parsing the body of your request. Please ensure it is valid JSON.', requestId), headers);
      const problem = validateMessagesRequest(body);
      if (problem) return sendJson(res, 400, errorBody('invalid_request_error', problem, requestId), headers);
    }

    const item = state.next();
    const watch = state.watchAbort(res);
    if (item?.kind === 'json') return sendJson(res, item.status, item.body, { ...headers, ...item.headers });
    if (item?.kind === 'sse') {
      const frames = item.text.split(/(?<=\n\n)/).map((f) => ({ text: f, content: f.includes('content_block_delta') }));
      return writeFrames(res, watch, frames, item.options.chunkDelayMs ?? 0, item.options.cutAfterEvents, { ...headers, ...item.options.headers });
    }

    const reply = item?.reply;
    if (reply?.latencyMs) {
      await sleep(reply.latencyMs);
      if (watch.closed) return;
    }
    if (reply?.reset) return watch.destroyByEmulator();
    if (reply?.error) {
      const extra: Record<string, string> = { ...headers };
      if (reply.error.retryAfterSeconds !== undefined) extra['retry-after'] = String(reply.error.retryAfterSeconds);
      return sendJson(res, reply.error.status, scriptedErrorBody(reply.error, requestId), extra);
    }

    if (route.endpoint === 'models') return sendJson(res, 200, modelPage(models, record.query), headers);
    if (route.endpoint === 'model') {
      const model = models.find((m) => m.id === route.modelId);
      return model ? sendJson(res, 200, model, headers) : sendJson(res, 404, errorBody('not_found_error', `model: ${route.modelId}`, requestId), headers);
    }

    const request = body as Record<string, unknown>;
    const answer = planAnswer(request, reply);
    if (request.stream === true) {
      const frames = streamEvents(answer).map((e) => ({ text: frame(e.event, JSON.stringify(e.data)), content: e.content }));
      return writeFrames(res, watch, frames, reply?.chunkDelayMs ?? 0, reply?.cutAfterEvents, headers);
    }
    sendJson(res, 200, messageBody(answer), headers);
  }

  async function writeFrames(res: http.ServerResponse, watch: AbortWatch, frames: { text: string; content: boolean }[], delayMs: number, cutAfter: number | undefined, headers: Record<string, string>): Promise<void> {
    startSse(res, headers);
    if (delayMs <= 0 && cutAfter === undefined) {
      res.end(frames.map((f) => f.text).join(''));
      return;
    }
    let contentEvents = 0;
    for (let i = 0; i < frames.length; i++) {
      if (i > 0 && delayMs > 0) await sleep(delayMs);
      if (watch.closed) return;
      // Wait for the bytes to reach the socket, so a cut right after them does not swallow them.
      await new Promise<void>((resolve) => res.write(frames[i].text, () => resolve()));
      if (frames[i].content && cutAfter !== undefined && ++contentEvents >= cutAfter) return watch.destroyByEmulator();
    }
    if (!watch.closed) res.end();
  }

  const { origin } = await listenEphemeral(server);

  return {
    url: origin,
    origin,
    apiKey,
    get requests() {
      return state.requests;
    },
    get aborted() {
      return state.aborted;
    },
    enqueue(...replies: ScriptedReply[]) {
      state.push(...replies.map((reply) => ({ kind: 'reply' as const, reply })));
    },
    enqueueSse(text, opts = {}) {
      state.push({ kind: 'sse', text, options: opts });
    },
    enqueueEvents(payloads, opts = {}) {
      const lines = payloads.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
      state.push({ kind: 'sse', text: chunksToSse(lines.join('\n')), options: opts });
    },
    enqueueJson(body, opts = {}) {
      state.push({ kind: 'json', body, status: opts.status ?? 200, headers: opts.headers ?? {} });
    },
    enqueueFixture(fixture, opts = {}) {
      if (fixture.kind === 'json') state.push({ kind: 'json', body: JSON.parse(fixture.text), status: 200, headers: opts.headers ?? {} });
      else state.push({ kind: 'sse', text: fixture.kind === 'sse' ? fixture.text : chunksToSse(fixture.text), options: opts });
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

type Route = { endpoint: 'messages' } | { endpoint: 'models' } | { endpoint: 'model'; modelId: string };

function matchRoute(method: string, path: string): Route | undefined {
  if (method === 'POST' && path === '/v1/messages') return { endpoint: 'messages' };
  if (method === 'GET' && path === '/v1/models') return { endpoint: 'models' };
  if (method === 'GET' && path.startsWith('/v1/models/') && path.length > 11) return { endpoint: 'model', modelId: decodeURIComponent(path.slice(11)) };
  return undefined;
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/* ------------------------------------------------------------------------- models */

function modelObject(entry: AnthropicModelEntry): Record<string, unknown> {
  return {
    type: 'model',
    id: entry.id,
    display_name: entry.display_name ?? entry.id,
    created_at: entry.created_at ?? '2025-01-01T00:00:00Z',
    capabilities: entry.capabilities ?? null,
  };
}

function modelPage(models: Record<string, unknown>[], query: Record<string, string>): Record<string, unknown> {
  const limit = Math.min(1000, Math.max(1, Number(query.limit ?? 20) || 20));
  let start = 0;
  let end = models.length;
  if (query.after_id) start = models.findIndex((m) => m.id === query.after_id) + 1;
  if (query.before_id) end = Math.max(0, models.findIndex((m) => m.id === query.before_id));
  const page = query.before_id ? models.slice(Math.max(start, end - limit), end) : models.slice(start, Math.min(end, start + limit));
  const hasMore = query.before_id ? end - limit > start : start + limit < end;
  return { data: page, has_more: hasMore, first_id: (page[0]?.id as string) ?? null, last_id: (page[page.length - 1]?.id as string) ?? null };
}

/* ------------------------------------------------------------------------ answers */

const STOP_REASON: Record<NonNullable<ScriptedReply['finish']>, PlannedAnswer['stopReason']> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

function planAnswer(request: Record<string, unknown>, reply: ScriptedReply | undefined): PlannedAnswer {
  const toolUses = (reply?.toolCalls ?? []).map((call) => ({ id: call.id ?? anthropicId('toolu'), name: call.name, arguments: call.arguments }));
  const scriptedContent = reply !== undefined && (reply.text !== undefined || reply.reasoning !== undefined || toolUses.length > 0);
  let text = reply?.text ?? (scriptedContent ? undefined : echoText(request.messages));
  // A forced tool_choice makes the model call that tool: a JSON-object answer becomes its input.
  const forced = request.tool_choice as { type?: string; name?: string } | undefined;
  if (forced?.type === 'tool' && typeof forced.name === 'string' && toolUses.length === 0 && text !== undefined && isJsonObject(text)) {
    toolUses.push({ id: anthropicId('toolu'), name: forced.name, arguments: text });
    text = undefined;
  }
  let stopReason = reply?.finish ? STOP_REASON[reply.finish] : toolUses.length > 0 ? 'tool_use' : 'end_turn';
  let stopSequence: string | null = null;

  // Unscripted endings behave like the model: the text stops at the first stop sequence it contains.
  if (!reply?.finish && text !== undefined && Array.isArray(request.stop_sequences)) {
    let cut = -1;
    for (const sequence of request.stop_sequences as string[]) {
      const at = text.indexOf(sequence);
      if (at !== -1 && (cut === -1 || at < cut)) {
        cut = at;
        stopSequence = sequence;
      }
    }
    if (cut !== -1) {
      text = text.slice(0, cut);
      stopReason = 'stop_sequence';
    }
  }

  return {
    id: anthropicId('msg'),
    model: typeof request.model === 'string' ? request.model : 'claude-unknown',
    reasoning: reply?.reasoning,
    text,
    toolUses,
    stopReason,
    stopSequence,
    usage: usageOf(request, reply, text, toolUses),
  };
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function usageOf(request: Record<string, unknown>, reply: ScriptedReply | undefined, text: string | undefined, toolUses: { name: string; arguments: string }[]): PlannedUsage {
  const scripted = reply?.usage;
  const cacheRead = scripted?.cachedInput ?? 0;
  const cacheWrite = scripted?.cacheWrite ?? 0;
  const prompt = scripted?.input ?? estimateTokens(requestText(request));
  const output =
    scripted?.output ?? Math.max(1, estimateTokens(text ?? '') + estimateTokens(reply?.reasoning ?? '') + toolUses.reduce((sum, use) => sum + estimateTokens(use.name + use.arguments), 0));
  const usage: PlannedUsage = {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    output_tokens: output,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
  };
  const thinking = scripted?.reasoning ?? (reply?.reasoning ? estimateTokens(reply.reasoning) : undefined);
  if (thinking !== undefined) usage.thinking_tokens = thinking;
  return usage;
}

function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((b): b is { type: 'text'; text: string } => b?.type === 'text' && typeof b.text === 'string')
    .map((b) => b.text)
    .join(' ');
}

/** The text of the last user message: what the emulator answers when nothing is scripted. */
function echoText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: string; content?: unknown };
    if (message?.role !== 'user') continue;
    const text = blocksText(message.content);
    if (text !== '') return text;
    // A turn of tool results: echo what the tools said.
    if (Array.isArray(message.content)) return message.content.map((b: { content?: unknown }) => blocksText(b?.content)).join(' ');
    return '';
  }
  return '';
}

function requestText(request: Record<string, unknown>): string {
  const messages = Array.isArray(request.messages) ? request.messages : [];
  return [blocksText(request.system), ...messages.map((m: { content?: unknown }) => blocksText(m?.content))].join('\n');
}
