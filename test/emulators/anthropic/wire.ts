/**
 * Anthropic Messages wire objects built from one planned answer: the JSON `Message` body and
 * the SSE event sequence of the same answer, in the order api.anthropic.com sends them
 * (message_start, then per block content_block_start / deltas / content_block_stop, a ping
 * after the first block opens, message_delta with stop reason and usage, message_stop).
 */
import { randomBytes } from 'node:crypto';
import { splitInPieces, splitWords } from '../http-util';

export interface PlannedToolUse {
  id: string;
  name: string;
  /** JSON text of the input; streams send exactly this text in input_json_delta pieces. */
  arguments: string;
}

export interface PlannedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  thinking_tokens?: number;
}

export interface PlannedAnswer {
  id: string;
  model: string;
  reasoning?: string;
  text?: string;
  toolUses: PlannedToolUse[];
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';
  stopSequence: string | null;
  usage: PlannedUsage;
}

export interface WireEvent {
  event: string;
  data: Record<string, unknown>;
}

export const REFUSAL_EXPLANATION = 'This request was declined by the emulator, as scripted.';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Anthropic-looking ids: a prefix and 24 base62 characters (`msg_01...`, `toolu_01...`). */
export function anthropicId(prefix: string): string {
  const bytes = randomBytes(22);
  let out = `${prefix}_01`;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

function signatureFor(text: string): string {
  return Buffer.from(`emulator-signature:${text.length}:${randomBytes(12).toString('hex')}`).toString('base64');
}

function inputObject(args: string): unknown {
  try {
    return JSON.parse(args === '' ? '{}' : args);
  } catch {
    return {};
  }
}

function usageObject(usage: PlannedUsage, outputTokens: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    input_tokens: usage.input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
  if (usage.thinking_tokens !== undefined) out.output_tokens_details = { thinking_tokens: usage.thinking_tokens };
  return out;
}

function stopDetails(answer: PlannedAnswer): Record<string, unknown> | null {
  return answer.stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: REFUSAL_EXPLANATION } : null;
}

/** The non-streamed response body. */
export function messageBody(answer: PlannedAnswer): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (answer.reasoning !== undefined) content.push({ type: 'thinking', thinking: answer.reasoning, signature: signatureFor(answer.reasoning) });
  if (answer.text !== undefined) content.push({ type: 'text', text: answer.text });
  for (const use of answer.toolUses) content.push({ type: 'tool_use', id: use.id, name: use.name, input: inputObject(use.arguments) });
  const body: Record<string, unknown> = {
    model: answer.model,
    id: answer.id,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: answer.stopReason,
    stop_sequence: answer.stopSequence,
    usage: usageObject(answer.usage, answer.usage.output_tokens),
  };
  const details = stopDetails(answer);
  if (details) body.stop_details = details;
  return body;
}

/** The streamed response as events; `content` marks the content_block_delta events (for cuts). */
export function streamEvents(answer: PlannedAnswer): (WireEvent & { content: boolean })[] {
  const events: (WireEvent & { content: boolean })[] = [];
  const push = (event: string, data: Record<string, unknown>, content = false) => events.push({ event, data: { type: event, ...data }, content });
  let pinged = false;
  const ping = () => {
    if (pinged) return;
    pinged = true;
    events.push({ event: 'ping', data: { type: 'ping' }, content: false });
  };

  push('message_start', {
    message: {
      model: answer.model,
      id: answer.id,
      type: 'message',
      role: 'assistant',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageObject(answer.usage, Math.min(1, answer.usage.output_tokens)),
    },
  });

  let index = 0;
  if (answer.reasoning !== undefined) {
    push('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    ping();
    for (const word of splitWords(answer.reasoning)) push('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: word } }, true);
    push('content_block_delta', { index, delta: { type: 'signature_delta', signature: signatureFor(answer.reasoning) } });
    push('content_block_stop', { index });
    index++;
  }
  if (answer.text !== undefined) {
    push('content_block_start', { index, content_block: { type: 'text', text: '' } });
    ping();
    for (const word of splitWords(answer.text)) push('content_block_delta', { index, delta: { type: 'text_delta', text: word } }, true);
    push('content_block_stop', { index });
    index++;
  }
  for (const use of answer.toolUses) {
    push('content_block_start', { index, content_block: { type: 'tool_use', id: use.id, name: use.name, input: {} } });
    ping();
    // The API opens every tool input with an empty partial, then sends the JSON in pieces.
    push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
    if (use.arguments !== '') {
      for (const piece of splitInPieces(use.arguments, 4)) push('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }, true);
    }
    push('content_block_stop', { index });
    index++;
  }
  ping();

  const delta: Record<string, unknown> = { stop_reason: answer.stopReason, stop_sequence: answer.stopSequence };
  const details = stopDetails(answer);
  if (details) delta.stop_details = details;
  const finalUsage: Record<string, unknown> = {
    input_tokens: answer.usage.input_tokens,
    cache_creation_input_tokens: answer.usage.cache_creation_input_tokens,
    cache_read_input_tokens: answer.usage.cache_read_input_tokens,
    output_tokens: answer.usage.output_tokens,
  };
  if (answer.usage.thinking_tokens !== undefined) finalUsage.output_tokens_details = { thinking_tokens: answer.usage.thinking_tokens };
  push('message_delta', { delta, usage: finalUsage });
  push('message_stop', {});
  return events;
}

/** One SSE frame in Anthropic's format: `event:` line, `data:` line, blank line. */
export function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}
