import { describe, expect, it } from 'vitest';
import { mapStopReason } from './finish-reason';

describe('mapStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
  ])('%s -> %s', (bedrock, openai) => {
    expect(mapStopReason(bedrock)).toBe(openai);
  });

  it('raises malformed model output as a retryable upstream error', () => {
    expect(() => mapStopReason('malformed_tool_use')).toThrow(expect.objectContaining({ status: 502, retryable: true, code: 'malformed_model_output' }));
  });
});
