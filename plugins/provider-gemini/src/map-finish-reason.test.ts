import { describe, expect, it } from 'vitest';
import { mapFinishReason } from './map-finish-reason';

describe('mapFinishReason', () => {
  it('maps STOP to stop, or to tool_calls when function calls were returned', () => {
    expect(mapFinishReason('STOP', false)).toBe('stop');
    expect(mapFinishReason('STOP', true)).toBe('tool_calls');
    expect(mapFinishReason(undefined, true)).toBe('tool_calls');
  });

  it('maps MAX_TOKENS to length, even after function calls', () => {
    expect(mapFinishReason('MAX_TOKENS', false)).toBe('length');
    expect(mapFinishReason('MAX_TOKENS', true)).toBe('length');
  });

  it.each(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT'])('maps %s to content_filter', (reason) => {
    expect(mapFinishReason(reason, false)).toBe('content_filter');
  });

  it('ends reasons without an OpenAI equivalent as stop', () => {
    for (const reason of ['LANGUAGE', 'OTHER', 'MALFORMED_FUNCTION_CALL', 'FINISH_REASON_UNSPECIFIED', undefined]) expect(mapFinishReason(reason, false)).toBe('stop');
  });
});
