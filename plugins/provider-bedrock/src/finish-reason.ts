import { GatewayError } from '@switchyard/plugin-kit';
import type { FinishReason } from '@switchyard/plugin-kit';

/**
 * Bedrock stopReason -> OpenAI finish_reason. A malformed model output is not a way of
 * finishing but a failed generation: it is raised as a retryable upstream error.
 */
export function mapStopReason(stopReason: string | undefined): FinishReason {
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    case 'malformed_model_output':
    case 'malformed_tool_use':
      throw new GatewayError({
        status: 502,
        type: 'upstream_error',
        code: 'malformed_model_output',
        message: `bedrock: the model produced unusable output (${stopReason}).`,
        retryable: true,
      });
    default:
      return 'stop';
  }
}
