import { describe, expect, it } from 'vitest';
import { mapFinishReason } from './map-finish-reason';

describe('mapFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps %s to %s', (anthropic, openai) => {
    expect(mapFinishReason(anthropic)).toBe(openai);
  });

  it('reads a missing or unknown reason as stop', () => {
    expect(mapFinishReason(null)).toBe('stop');
    expect(mapFinishReason(undefined)).toBe('stop');
    expect(mapFinishReason('something_new')).toBe('stop');
  });
});
