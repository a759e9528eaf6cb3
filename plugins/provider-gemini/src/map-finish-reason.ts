import type { FinishReason } from '@switchyard/plugin-kit';

/** Reasons Gemini stops because a safety or policy filter fired (text, image, or personal data). */
const FILTERED = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);

/**
 * Gemini's finishReason to OpenAI's finish_reason. Gemini says STOP after function calls too,
 * so `hasToolCalls` turns that into `tool_calls`. Reasons without an OpenAI equivalent
 * (LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, unspecified) end as `stop`: the turn is over and
 * there is nothing more precise to say in OpenAI's vocabulary.
 */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}
