import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator, RecordedRequest, ScriptedReply } from '@switchyard/plugin-kit/testing';
import { awsErrorFromScript, writeAwsError, type AwsErrorReply } from './bedrock/aws-errors';
import { converseBody, converseStreamMessages, echoReply } from './bedrock/converse-reply';
import { encodeStreamMessage, streamMessageFromRecord, type StreamMessage } from './bedrock/event-stream';
import { invokeModel } from './bedrock/invoke-reply';
import { verifySigV4, type AwsCredentialPair } from './bedrock/sigv4-verify';
import { validateConverseRequest } from './bedrock/validate-converse';

/**
 * An Amazon Bedrock Runtime look-alike on 127.0.0.1: Converse (JSON), ConverseStream (binary
 * AWS event-stream frames) and InvokeModel (embeddings, images), behind a real SigV4 check.
 * Point the official SDK at `url` with a NodeHttpHandler (the emulator speaks HTTP/1.1).
 */

export interface BedrockEmulatorOptions {
  credentials?: AwsCredentialPair;
  region?: string;
}

export interface RawStreamOptions {
  chunkDelayMs?: number;
  /** Destroy the connection after this many contentBlockDelta events. */
  cutAfterEvents?: number;
}

export interface BedrockEmulator extends Emulator {
  readonly region: string;
  /** The credential the emulator accepts (give it to the provider as its credential). */
  readonly credentials: AwsCredentialPair;
  /** Requests refused by the signature check. */
  readonly rejectedAuth: number;
  /** Answer the next Converse call with this body verbatim (e.g. a recorded response). */
  enqueueConverseBody(body: Record<string, unknown>): void;
  /** Answer the next ConverseStream call with these decoded events (`{eventName: payload}` each), re-encoded into frames. */
  enqueueStreamEvents(events: Record<string, unknown>[], options?: RawStreamOptions): void;
  /** Answer the next InvokeModel call with this body verbatim. */
  enqueueInvokeBody(body: Record<string, unknown>): void;
}

type QueuedReply =
  | { kind: 'scripted'; reply: ScriptedReply }
  | { kind: 'converse-body'; body: Record<string, unknown> }
  | { kind: 'stream-events'; messages: StreamMessage[]; options: RawStreamOptions }
  | { kind: 'invoke-body'; body: Record<string, unknown> };

type Operation = 'converse' | 'converse-stream' | 'invoke';

const DEFAULT_CREDENTIALS: AwsCredentialPair = { accessKeyId: 'AKIAEMULATOR00000001', secretAccessKey: 'emulator/secret/key/0000000000000000000000' };
const OPERATION_OF_QUEUED: Record<QueuedReply['kind'], Operation | undefined> = {
  scripted: undefined,
  'converse-body': 'converse',
  'stream-events': 'converse-stream',
  'invoke-body': 'invoke',
};

export async function startBedrockEmulator(options: BedrockEmulatorOptions = {}): Promise<BedrockEmulator> {
  const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
  const region = options.region ?? 'us-east-1';
  const requests: RecordedRequest[] = [];
  const queue: QueuedReply[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let aborted = 0;
  let rejectedAuth = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) writeAwsError(res, randomUUID(), { status: 500, errorType: 'InternalServerException', message: `emulator failure: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const rawBody = await readBody(req);
    const [rawPath, rawQuery = ''] = (req.url ?? '/').split('?');
    const text = rawBody.toString('utf8');
    const body = parseJson(text);
    requests.push({
      method: req.method ?? 'GET',
      path: decodeURIComponent(rawPath),
      query: Object.fromEntries(new URLSearchParams(rawQuery)),
      headers: { ...req.headers },
      body: body.ok ? body.value : text,
    });

    const auth = await verifySigV4(
      { method: req.method ?? 'GET', path: rawPath, rawQuery, headers: req.headers, body: rawBody },
      { credentials: [credentials], region, service: 'bedrock' },
    );
    if (!auth.ok) {
      rejectedAuth++;
      return writeAwsError(res, requestId, auth.failure);
    }

    const route = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(rawPath);
    if (req.method !== 'POST' || !route) {
      return writeAwsError(res, requestId, { status: 404, errorType: 'UnknownOperationException', message: 'UnknownOperationException' });
    }
    const modelId = decodeURIComponent(route[1]);
    const operation = route[2] as Operation;
    if (!body.ok) return writeAwsError(res, requestId, validation('Malformed input request, please reformat your input and try again.'));
    if (operation !== 'invoke') {
      const problem = validateConverseRequest(body.value);
      if (problem) return writeAwsError(res, requestId, validation(problem));
    }

    const queued = queue.shift();
    const expected = queued ? OPERATION_OF_QUEUED[queued.kind] : undefined;
    if (queued && expected && expected !== operation) {
      return writeAwsError(res, requestId, { status: 500, errorType: 'InternalServerException', message: `emulator: a queued '${queued.kind}' reply cannot answer ${operation}` });
    }
    const scripted = queued?.kind === 'scripted' ? queued.reply : {};
    if (scripted.reset) return destroyQuietly(res);
    if (scripted.latencyMs) await pause(scripted.latencyMs, res);
    if (res.destroyed) return;
    if (scripted.error) return writeAwsError(res, requestId, awsErrorFromScript(scripted.error));

    if (operation === 'invoke') {
      if (queued?.kind === 'invoke-body') return writeJson(res, requestId, queued.body);
      const result = invokeModel(modelId, body.value);
      if (!result.ok) return writeAwsError(res, requestId, validation(result.message));
      return writeJson(res, requestId, result.body, result.inputTokens);
    }

    const request = body.value as Record<string, unknown>;
    const hasContent = Boolean(scripted.text || scripted.reasoning || scripted.toolCalls?.length);
    const echo = echoReply(request);
    const reply = answerForcedTool(request, hasContent ? scripted : { ...scripted, text: echo.text });
    const usage = scripted.usage ?? echo.usage!;
    const latency = scripted.latencyMs ?? 1;

    if (operation === 'converse') {
      return writeJson(res, requestId, queued?.kind === 'converse-body' ? queued.body : converseBody(reply, usage, latency));
    }
    if (queued?.kind === 'stream-events') return writeStream(res, requestId, queued.messages, queued.options);
    return writeStream(res, requestId, converseStreamMessages(reply, usage, latency), { chunkDelayMs: scripted.chunkDelayMs, cutAfterEvents: scripted.cutAfterEvents });
  }

  async function writeStream(res: ServerResponse, requestId: string, messages: StreamMessage[], opts: RawStreamOptions): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
    let deltas = 0;
    for (const message of messages) {
      if (res.destroyed) return;
      if (opts.cutAfterEvents !== undefined && deltas >= opts.cutAfterEvents) return destroyQuietly(res);
      // Wait until the frame is handed to the socket, so a cut that follows really comes after it.
      await new Promise<void>((resolve) => res.write(encodeStreamMessage(message), () => resolve()));
      if (message.name === 'contentBlockDelta') deltas++;
      if (opts.chunkDelayMs) await pause(opts.chunkDelayMs, res);
    }
    if (opts.cutAfterEvents !== undefined && deltas >= opts.cutAfterEvents) return destroyQuietly(res);
    res.end();
  }

  // Our own resets and cuts are not client aborts.
  const selfDestroyed = new WeakSet<ServerResponse>();
  function destroyQuietly(res: ServerResponse): void {
    selfDestroyed.add(res);
    res.socket?.destroy();
  }

  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    res.on('close', () => {
      if (!res.writableFinished && !selfDestroyed.has(res)) aborted++;
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    region,
    credentials,
    requests,
    get aborted() {
      return aborted;
    },
    get rejectedAuth() {
      return rejectedAuth;
    },
    enqueue(...replies: ScriptedReply[]) {
      for (const reply of replies) queue.push({ kind: 'scripted', reply });
    },
    enqueueConverseBody(body) {
      queue.push({ kind: 'converse-body', body });
    },
    enqueueStreamEvents(events, opts = {}) {
      queue.push({ kind: 'stream-events', messages: events.map(streamMessageFromRecord), options: opts });
    },
    enqueueInvokeBody(body) {
      queue.push({ kind: 'invoke-body', body });
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
      aborted = 0;
      rejectedAuth = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A model under a forced tool choice answers through that tool: scripted JSON text becomes
 * the tool's input, as a real model would deliver it (this is how JSON modes ride on tools).
 */
function answerForcedTool(request: Record<string, unknown>, reply: ScriptedReply): ScriptedReply {
  const forced = (request.toolConfig as { toolChoice?: { tool?: { name?: string } } } | undefined)?.toolChoice?.tool?.name;
  if (!forced || !reply.text || reply.toolCalls?.length) return reply;
  try {
    const value = JSON.parse(reply.text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return reply;
  } catch {
    return reply;
  }
  return { ...reply, text: undefined, toolCalls: [{ name: forced, arguments: reply.text }], finish: reply.finish ?? 'tool_calls' };
}

function validation(message: string): AwsErrorReply {
  return { status: 400, errorType: 'ValidationException', message };
}

function writeJson(res: ServerResponse, requestId: string, body: unknown, inputTokens?: number): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': requestId };
  // InvokeModel reports token counts in headers.
  if (inputTokens !== undefined) headers['x-amzn-bedrock-input-token-count'] = String(inputTokens);
  res.writeHead(200, headers);
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Waits, but stops early when the client goes away. */
function pause(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
  });
}
