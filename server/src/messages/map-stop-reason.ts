import type { FinishReason } from '@switchyard/spec';
import type { AnthropicStopReason } from './types';

/**
 * A canonical finish reason in Anthropic's terms. The canonical `stop` covers both a natural end
 * and a stop sequence; a provider that knows which sequence matched may say so in a
 * non-standard `stop_sequence` field on the choice, and then the stop reads as `stop_sequence`.
 */
export function mapStopReason(finish: FinishReason | null | undefined, stopSequence: string | null): AnthropicStopReason {
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return stopSequence !== null ? 'stop_sequence' : 'end_turn';
  }
}

/** The matched stop sequence, when the provider reported one (see mapStopReason). */
export function reportedStopSequence(choice: object | undefined): string | null {
  const value = (choice as { stop_sequence?: unknown } | undefined)?.stop_sequence;
  return typeof value === 'string' ? value : null;
}
