import type { FinishReason } from '@switchyard/plugin-kit';

/**
 * Anthropic's stop_reason in OpenAI's terms. `pause_turn` (a server tool paused a long turn)
 * has no OpenAI counterpart; the turn did end, so it reads as `stop`. Unknown future values
 * also read as `stop` rather than failing a finished answer.
 */
export function mapFinishReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    default:
      return 'stop';
  }
}
