import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseEvent } from './sse-decoder';

/** Feeds `pieces` one by one, then ends the stream; all events in order. */
function decode(pieces: string[]): SseEvent[] {
  const decoder = new SseDecoder();
  const events = pieces.flatMap((piece) => decoder.feed(piece));
  return [...events, ...decoder.end()];
}

const stream = 'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n';

describe('SseDecoder', () => {
  it('splits a read holding several events', () => {
    expect(decode([stream])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '{"a":2}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  it('gives the same events however the stream is cut into reads', () => {
    const whole = decode([stream]);
    for (let size = 1; size <= 7; size++) {
      const pieces = Array.from({ length: Math.ceil(stream.length / size) }, (_, i) => stream.slice(i * size, (i + 1) * size));
      expect(decode(pieces)).toEqual(whole);
    }
  });

  it('reads \\r\\n and lone \\r as line ends, also when a \\r\\n is split between reads', () => {
    const crlf = 'data: one\r\n\r\ndata: two\r\rdata: three\n\n';
    const expected = ['one', 'two', 'three'];
    expect(decode([crlf]).map((e) => e.data)).toEqual(expected);
    expect(decode(['data: one\r', '\n\r', '\ndata: two\r', '\rdata: three\n\n']).map((e) => e.data)).toEqual(expected);
  });

  it('joins several data lines with \\n and keeps the event name', () => {
    expect(decode(['event: error\ndata: {"error":\ndata: {"message":"x"}}\n\n'])).toEqual([{ event: 'error', data: '{"error":\n{"message":"x"}}' }]);
  });

  it('skips comments, id and retry fields, and blank lines without data', () => {
    expect(decode([': ping\n\nid: 7\nretry: 1000\n\n\n\ndata: x\n\n'])).toEqual([{ event: undefined, data: 'x' }]);
  });

  it('drops only one space after the colon, and reads a field with no colon as empty', () => {
    expect(decode(['data:  two spaces\n\ndata:none\n\ndata\n\n']).map((e) => e.data)).toEqual([' two spaces', 'none', '']);
  });

  it('forgets an event name that came without data', () => {
    expect(decode(['event: ping\n\ndata: x\n\n'])).toEqual([{ event: undefined, data: 'x' }]);
  });

  it('counts a last event whose stream ended without the closing blank line or line end', () => {
    expect(decode(['data: {"a":1}\n\ndata: {"a":2}'])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '{"a":2}' },
    ]);
    expect(decode(['data: last\n'])).toEqual([{ event: undefined, data: 'last' }]);
  });

  it('keeps characters outside ASCII intact', () => {
    expect(decode(['data: {"content":"Zürich 🚂"}\n\n'])[0].data).toBe('{"content":"Zürich 🚂"}');
  });
});
