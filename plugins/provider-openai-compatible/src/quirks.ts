import type { OpenAIEndpoint } from '@switchyard/provider-openai';
import type { Preset } from './presets';

/** Rewrites an outgoing body for a preset's quirks; returns a new object, the request stays untouched. */
export function applyQuirks(preset: Preset, endpoint: OpenAIEndpoint, body: Record<string, unknown>): Record<string, unknown> {
  if (endpoint !== 'chat') return body;
  let out = body;
  if (preset.legacyMaxTokens && out.max_completion_tokens != null) {
    const { max_completion_tokens: limit, ...rest } = out;
    out = Object.assign(rest, { max_tokens: out.max_tokens ?? limit });
  }
  if (preset.rejectsReasoningInput && Array.isArray(out.messages)) {
    out = { ...out, messages: out.messages.map(withoutReasoning) };
  }
  return out;
}

function withoutReasoning(message: unknown): unknown {
  if (typeof message !== 'object' || message === null || !('reasoning_content' in message)) return message;
  const { reasoning_content: _dropped, ...rest } = message as Record<string, unknown>;
  return rest;
}
