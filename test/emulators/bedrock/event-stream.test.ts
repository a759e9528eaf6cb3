import { describe, expect, it } from 'vitest';
import { decodeStreamBody, encodeStreamMessage, streamMessageFromRecord } from './event-stream';

describe('event-stream framing', () => {
  it('round-trips events and exceptions through binary frames', () => {
    const messages = [
      streamMessageFromRecord({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'hé' } } }),
      streamMessageFromRecord({ throttlingException: { message: 'slow down' } }),
    ];
    expect(messages.map((m) => m.kind)).toEqual(['event', 'exception']);
    const bytes = Buffer.concat(messages.map((m) => Buffer.from(encodeStreamMessage(m))));
    expect(decodeStreamBody(new Uint8Array(bytes))).toEqual(messages);
  });

  it('refuses a recorded line that is not exactly one event', () => {
    expect(() => streamMessageFromRecord({ a: 1, b: 2 })).toThrow(/exactly one key/);
  });
});
