import type { ChatCompletion } from '@switchyard/spec';
import { mapStopReason, reportedStopSequence } from './map-stop-reason';
import { mapUsage } from './map-usage';
import { messageId } from './message-id';
import type { AnthropicMessage, AnthropicOutputBlock } from './types';

/**
 * A canonical completion as an Anthropic message: reasoning first as a thinking block, then the
 * text, then one tool_use block per tool call, the order Claude produces them in. Only the first
 * choice counts (a Messages request cannot ask for more).
 *
 * Thinking blocks carry an empty signature: the canonical form does not keep upstream
 * signatures, and the gateway does not need them back (it drops thinking on the way in).
 */
export function convertResponse(completion: ChatCompletion): AnthropicMessage {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: AnthropicOutputBlock[] = [];
  if (message?.reasoning_content) content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
  if (message?.content) content.push({ type: 'text', text: message.content, citations: null });
  else if (message?.refusal) content.push({ type: 'text', text: message.refusal, citations: null });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments) });
  }

  const stopSequence = reportedStopSequence(choice);
  const refused = choice?.finish_reason === 'content_filter' || (!!message?.refusal && !message.content);
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: refused ? 'refusal' : mapStopReason(choice?.finish_reason, stopSequence),
    stop_sequence: stopSequence,
    stop_details: refused ? { type: 'refusal', category: null, explanation: message?.refusal ?? null } : null,
    container: null,
    usage: mapUsage(completion.usage),
  };
}

/**
 * Tool arguments are JSON text in the canonical form and an object in Anthropic's. Text that is
 * not a JSON object (a model cut off mid-arguments) is kept under `_raw` rather than lost.
 */
export function parseToolInput(args: string | undefined): Record<string, unknown> {
  if (!args || args.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { _raw: args };
  } catch {
    return { _raw: args };
  }
}
