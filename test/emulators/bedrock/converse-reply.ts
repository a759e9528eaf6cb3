import { randomBytes } from 'node:crypto';
import type { ScriptedReply, ScriptedUsage } from '@switchyard/plugin-kit/testing';
import type { StreamMessage } from './event-stream';

/**
 * Renders a scripted reply the way Bedrock's Converse and ConverseStream answer: a JSON body,
 * or the sequence of stream events (text word by word, tool input in several deltas).
 */

const STOP_REASONS: Record<NonNullable<ScriptedReply['finish']>, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'content_filtered',
};

export function stopReasonFor(reply: ScriptedReply): string {
  if (reply.finish) return STOP_REASONS[reply.finish];
  return reply.toolCalls?.length ? 'tool_use' : 'end_turn';
}

/** Bedrock's usage object; `inputTokens` excludes the cached part, as on the real service. */
export function bedrockUsage(usage: ScriptedUsage): Record<string, number> {
  const cacheRead = usage.cachedInput ?? 0;
  const cacheWrite = usage.cacheWrite ?? 0;
  const out: Record<string, number> = {
    inputTokens: Math.max(0, usage.input - cacheRead - cacheWrite),
    outputTokens: usage.output,
    totalTokens: usage.input + usage.output,
  };
  if (usage.cachedInput !== undefined) out.cacheReadInputTokens = cacheRead;
  if (usage.cacheWrite !== undefined) out.cacheWriteInputTokens = cacheWrite;
  return out;
}

export function toolUseIdFor(id: string | undefined): string {
  return id ?? `tooluse_${randomBytes(11).toString('base64url')}`;
}

function signatureFor(reasoning: string): string {
  return Buffer.from(`sig:${reasoning.length}`).toString('base64');
}

export function converseBody(reply: ScriptedReply, usage: ScriptedUsage, latencyMs: number): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (reply.reasoning) content.push({ reasoningContent: { reasoningText: { text: reply.reasoning, signature: signatureFor(reply.reasoning) } } });
  if (reply.text) content.push({ text: reply.text });
  for (const call of reply.toolCalls ?? []) {
    content.push({ toolUse: { toolUseId: toolUseIdFor(call.id), name: call.name, input: JSON.parse(call.arguments || '{}') } });
  }
  return {
    metrics: { latencyMs },
    output: { message: { role: 'assistant', content } },
    stopReason: stopReasonFor(reply),
    usage: bedrockUsage(usage),
  };
}

export function converseStreamMessages(reply: ScriptedReply, usage: ScriptedUsage, latencyMs: number): StreamMessage[] {
  const out: StreamMessage[] = [event('messageStart', { role: 'assistant' })];
  let index = 0;
  if (reply.reasoning) {
    for (const piece of words(reply.reasoning)) out.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: piece } } }));
    out.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { signature: signatureFor(reply.reasoning) } } }));
    out.push(event('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  if (reply.text) {
    for (const piece of words(reply.text)) out.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { text: piece } }));
    out.push(event('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  for (const call of reply.toolCalls ?? []) {
    out.push(event('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: toolUseIdFor(call.id), name: call.name } } }));
    for (const piece of thirds(call.arguments)) out.push(event('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: piece } } }));
    out.push(event('contentBlockStop', { contentBlockIndex: index }));
    index++;
  }
  out.push(event('messageStop', { stopReason: stopReasonFor(reply) }));
  out.push(event('metadata', { usage: bedrockUsage(usage), metrics: { latencyMs } }));
  return out;
}

// Bedrock pads every event with a random-length `p` field so sizes do not leak content.
function event(name: string, payload: Record<string, unknown>): StreamMessage {
  return { kind: 'event', name, payload: { ...payload, p: 'abcdefghijklmnopqrstuvwxyz'.slice(0, 1 + (name.length % 20)) } };
}

export function words(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [text];
}

function thirds(text: string): string[] {
  if (text.length < 3) return [text];
  const a = Math.ceil(text.length / 3);
  return [text.slice(0, a), text.slice(a, 2 * a), text.slice(2 * a)].filter((s) => s.length > 0);
}

/* ------------------------------------------------------------------ echo */

/** With nothing scripted, the emulator answers with the last user message's text. */
export function echoReply(request: Record<string, unknown>): ScriptedReply {
  const messages = Array.isArray(request.messages) ? (request.messages as Record<string, unknown>[]) : [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const text = lastUser ? blockText(lastUser.content) : '';
  const allText = [blockText(request.system), ...messages.map((m) => blockText(m.content))].join(' ');
  return { text: text || '(empty)', usage: { input: countWords(allText), output: countWords(text || '(empty)') } };
}

function blockText(blocks: unknown): string {
  if (!Array.isArray(blocks)) return '';
  const parts: string[] = [];
  for (const block of blocks as Record<string, any>[]) {
    if (typeof block?.text === 'string') parts.push(block.text);
    else if (block?.toolResult) parts.push(blockText(block.toolResult.content));
  }
  return parts.join('\n');
}

export function countWords(text: string): number {
  return Math.max(1, text.split(/\s+/).filter(Boolean).length);
}
