import { describe, expect, it } from 'vitest';
import { makeToolCallId, signatureOf } from './tool-call-id';

const seed = { responseId: 'resp-1', candidate: 0, call: 0, name: 'weather' };

describe('tool call ids', () => {
  it('are stable for the same call and differ between calls', () => {
    expect(makeToolCallId(seed)).toBe(makeToolCallId(seed));
    expect(makeToolCallId(seed)).toMatch(/^call_[A-Za-z0-9_-]{24}$/);
    expect(makeToolCallId({ ...seed, call: 1 })).not.toBe(makeToolCallId(seed));
    expect(makeToolCallId({ ...seed, candidate: 1 })).not.toBe(makeToolCallId(seed));
    expect(makeToolCallId({ ...seed, responseId: 'resp-2' })).not.toBe(makeToolCallId(seed));
  });

  it("use Gemini's own id when it sent one", () => {
    expect(makeToolCallId({ ...seed, upstreamId: 'fc-123' })).toBe('fc-123');
  });

  it('carry a thought signature that signatureOf recovers', () => {
    const signature = 'EqsFCqgFAb4+9vvt/AF5n87lB4==';
    const id = makeToolCallId(seed, signature);
    expect(id.startsWith(makeToolCallId(seed))).toBe(true);
    expect(signatureOf(id)).toBe(signature);
    expect(signatureOf(makeToolCallId(seed))).toBeUndefined();
    expect(signatureOf('call_from_openai')).toBeUndefined();
  });
});
