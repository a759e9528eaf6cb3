/**
 * Recorded Gemini traffic (../shared/fixtures/gemini, see SOURCES.md) loaded as responses the
 * emulator can replay verbatim:
 * - google-*.chunks.txt: one `data:` payload per line (a streamed answer);
 * - google-*.json: one response body (an answer, or an error body whose `error.code` is its status);
 * - genai-*.json: full HTTP recordings of the official SDK's tests, each interaction with its
 *   request (method, URL, JSON body) and its response (status, headers, body segments). These
 *   files keep each SSE segment as parsed JSON, not as its original bytes, so a segment is
 *   replayed as its JSON serialization (same content, Google's key order as recorded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const GEMINI_FIXTURES_DIR = path.resolve(repoRoot, '../shared/fixtures/gemini');

/** A response to replay as recorded. */
export interface RecordedGeminiResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Streams: the `data:` payload text of each SSE event, written byte for byte. */
  events?: string[];
  /** JSON answers: the body text, written byte for byte. */
  body?: string;
  chunkDelayMs?: number;
}

export interface RecordedInteraction {
  request: { method: string; url: string; body: unknown };
  response: RecordedGeminiResponse;
}

export function fixturePath(name: string): string {
  return path.join(GEMINI_FIXTURES_DIR, name);
}

export function listFixtures(): string[] {
  return fs.readdirSync(GEMINI_FIXTURES_DIR).sort();
}

/** A `.chunks.txt` recording: each non-empty line is one event's payload. */
export function loadChunks(name: string): RecordedGeminiResponse {
  const events = fs
    .readFileSync(fixturePath(name), 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
  return { status: 200, events };
}

/** A `.json` recording: an answer (200) or a Google error body (its own `error.code`). */
export function loadJson(name: string): RecordedGeminiResponse {
  const body = fs.readFileSync(fixturePath(name), 'utf8');
  const parsed = JSON.parse(body) as { error?: { code?: number } };
  return { status: typeof parsed.error?.code === 'number' ? parsed.error.code : 200, body };
}

/** Hop-by-hop and framing headers are the emulator's to set, not the recording's. */
const SKIPPED_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'date', 'keep-alive']);

interface GenaiRecording {
  interactions: {
    request: { method: string; url: string; bodySegments?: unknown[] };
    response: { statusCode: number; headers?: Record<string, string>; bodySegments?: unknown[] };
  }[];
}

/** The interactions of a genai-*.json recording, in order. */
export function loadGenaiRecording(name: string): RecordedInteraction[] {
  const recording = JSON.parse(fs.readFileSync(fixturePath(name), 'utf8')) as GenaiRecording;
  return recording.interactions.map(({ request, response }) => {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(response.headers ?? {})) {
      if (!SKIPPED_HEADERS.has(key.toLowerCase())) headers[key] = value;
    }
    const segments = response.bodySegments ?? [];
    const streamed = /[:?&]alt=sse\b/.test(request.url) || /text\/event-stream/i.test(headers['Content-Type'] ?? '');
    const recorded: RecordedGeminiResponse = streamed
      ? { status: response.statusCode, headers, events: segments.map((s) => JSON.stringify(s)) }
      : { status: response.statusCode, headers, body: JSON.stringify(segments[0] ?? {}) };
    return { request: { method: request.method, url: request.url, body: request.bodySegments?.[0] }, response: recorded };
  });
}

/** Every fixture as replayable responses, keyed by file name. */
export function loadAllFixtures(): Map<string, RecordedGeminiResponse[]> {
  const out = new Map<string, RecordedGeminiResponse[]>();
  for (const name of listFixtures()) {
    if (name.endsWith('.chunks.txt')) out.set(name, [loadChunks(name)]);
    else if (name.startsWith('genai-') && name.endsWith('.json')) out.set(name, loadGenaiRecording(name).map((i) => i.response));
    else if (name.endsWith('.json')) out.set(name, [loadJson(name)]);
  }
  return out;
}
