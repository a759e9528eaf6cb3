/**
 * The one control surface every upstream emulator offers, so the provider conformance suite
 * can script the same scenario against OpenAI, Anthropic, Gemini and Bedrock alike.
 * Each emulator speaks its provider's real wire format; only this control API is shared.
 */

export interface ScriptedToolCall {
  /** Upstream call id; the emulator invents one when absent. */
  id?: string;
  name: string;
  /** JSON text of the arguments. Streams deliver it in several deltas. */
  arguments: string;
}

export interface ScriptedUsage {
  input: number;
  output: number;
  cachedInput?: number;
  cacheWrite?: number;
  reasoning?: number;
}

export interface ScriptedReply {
  /** Assistant text. Streams deliver it word by word. */
  text?: string;
  /** Reasoning / thinking text, where the provider supports it. */
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  finish?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  usage?: ScriptedUsage;
  /** Answer with this upstream error instead (the emulator renders the provider's real error body). */
  error?: { status: number; message?: string; retryAfterSeconds?: number; kind?: 'rate_limit' | 'overloaded' | 'auth' | 'not_found' | 'invalid' | 'server' };
  /** Delay before the first byte. */
  latencyMs?: number;
  /** Delay between stream events. */
  chunkDelayMs?: number;
  /** Streams only: destroy the connection after this many content events. */
  cutAfterEvents?: number;
  /** Destroy the socket without answering (connection reset). */
  reset?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface Emulator {
  /** Base URL to give the provider plugin / SDK (e.g. http://127.0.0.1:PORT/v1 for OpenAI). */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** The next request is answered with this reply (FIFO); with none queued, the emulator echoes the last user message. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Requests whose handling was aborted by the client (to prove aborts propagate). */
  readonly aborted: number;
  reset(): void;
  close(): Promise<void>;
}
