/**
 * Small helpers shared by the upstream emulators: listening on an ephemeral port, reading bodies,
 * writing JSON and SSE, the scripted-reply queue, and abort accounting. Nothing here knows about
 * any one provider's wire format.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest } from './types';

/** The repository root (this file lives in <root>/test/emulators). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A path under the shared folder that sits beside the repository (fixtures, the OpenAI spec). */
export function sharedPath(...segments: string[]): string {
  return path.resolve(repoRoot, '../shared', ...segments);
}

/** Starts `server` on 127.0.0.1 with a port chosen by the OS and returns its origin. */
export async function listenEphemeral(server: http.Server): Promise<{ port: number; origin: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return { port, origin: `http://127.0.0.1:${port}` };
}

/** Closes the server and every open connection (keep-alive sockets would otherwise hold it open). */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Reads the whole request body as text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(parts.length === 1 ? parts[0].toString('utf8') : Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON body; `undefined` for an empty body, the `invalid` marker for bad JSON. */
export const INVALID_JSON = Symbol('invalid-json');
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

export function splitUrl(rawUrl: string | undefined): { path: string; query: Record<string, string> } {
  const raw = rawUrl ?? '/';
  const q = raw.indexOf('?');
  if (q < 0) return { path: raw, query: {} };
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw.slice(q + 1))) query[k] = v;
  return { path: raw.slice(0, q), query };
}

export function recordOf(req: http.IncomingMessage, body: unknown): RecordedRequest {
  const { path, query } = splitUrl(req.url);
  return { method: req.method ?? 'GET', path, query, headers: req.headers, body };
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function startSse(res: http.ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', ...headers });
}

/** One SSE event: optional `event:` line, then the data line, then the blank line. */
export function sseEvent(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return event ? `event: ${event}\ndata: ${payload}\n\n` : `data: ${payload}\n\n`;
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Splits text into word-sized deltas whose concatenation is the original text exactly
 * (whitespace stays attached to the word before it).
 */
export function splitWords(text: string): string[] {
  if (text.length === 0) return [];
  return text.split(/(?<=\s)(?=\S)/);
}

/** Splits a string into at most `pieces` consecutive parts of similar length (streamed JSON arguments). */
export function splitInPieces(text: string, pieces: number): string[] {
  if (text.length === 0) return [''];
  const size = Math.max(1, Math.ceil(text.length / pieces));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A rough token count (about four characters per token), deterministic for a given text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** FNV-1a 32-bit hash: a cheap deterministic seed derived from text. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The state every emulator keeps: recorded requests, the FIFO of scripted items, and how many
 * requests the client abandoned before the response finished.
 */
export class EmulatorState<Item> {
  requests: RecordedRequest[] = [];
  aborted = 0;
  private queue: Item[] = [];

  constructor(private readonly recordRequests = true) {}

  record(request: RecordedRequest): void {
    if (this.recordRequests) this.requests.push(request);
  }

  push(...items: Item[]): void {
    this.queue.push(...items);
  }

  next(): Item | undefined {
    return this.queue.shift();
  }

  get pending(): number {
    return this.queue.length;
  }

  reset(): void {
    this.requests = [];
    this.queue = [];
    this.aborted = 0;
  }

  /**
   * Counts the response as aborted when its connection closes before it finished, unless the
   * emulator itself destroyed it (scripted resets and cuts are not client aborts).
   */
  watchAbort(res: http.ServerResponse): { destroyByEmulator(): void; readonly closed: boolean } {
    let destroyedByUs = false;
    let closed = false;
    res.on('close', () => {
      closed = true;
      if (!res.writableFinished && !destroyedByUs) this.aborted++;
    });
    return {
      destroyByEmulator() {
        destroyedByUs = true;
        res.socket?.destroy();
        res.destroy();
      },
      get closed() {
        return closed || res.destroyed;
      },
    };
  }
}

/**
 * A small but real PNG (8-bit RGB, one solid colour): every decoder accepts it, and the colour
 * makes different images distinguishable.
 */
export function makePng(width = 8, height = 8, rgb: [number, number, number] = [32, 128, 224]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour (compression, filter and interlace stay 0)
  const row = Buffer.alloc(1 + width * 3); // leading 0 = filter type "none"
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData) >>> 0, 0);
  return Buffer.concat([length, typeAndData, crc]);
}
