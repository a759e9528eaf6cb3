import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/**
 * One decoded ConverseStream message: an event (`messageStart`, `contentBlockDelta`, ...) or a
 * modeled exception (`throttlingException`, ...). The name travels in a header, the payload is
 * the frame body as JSON, which is how Bedrock's application/vnd.amazon.eventstream works.
 */
export interface StreamMessage {
  kind: 'event' | 'exception';
  name: string;
  payload: unknown;
}

/** The exception members of Bedrock's ConverseStreamOutput union. */
export const STREAM_EXCEPTION_NAMES = new Set([
  'internalServerException',
  'modelStreamErrorException',
  'validationException',
  'throttlingException',
  'serviceUnavailableException',
]);

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export function encodeStreamMessage(message: StreamMessage): Uint8Array {
  const typeHeader = message.kind === 'exception' ? ':exception-type' : ':event-type';
  return codec.encode({
    headers: {
      [typeHeader]: { type: 'string', value: message.name },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: message.kind },
    },
    body: fromUtf8(JSON.stringify(message.payload)),
  });
}

/** Reads one recorded line such as `{"contentBlockDelta":{...}}` into a stream message. */
export function streamMessageFromRecord(record: Record<string, unknown>): StreamMessage {
  const names = Object.keys(record);
  if (names.length !== 1) throw new Error(`A recorded stream event has exactly one key, got: ${names.join(', ')}`);
  const name = names[0];
  return { kind: STREAM_EXCEPTION_NAMES.has(name) ? 'exception' : 'event', name, payload: record[name] };
}

/** Decodes a whole event-stream body (used by the emulator's own tests). */
export function decodeStreamBody(bytes: Uint8Array): StreamMessage[] {
  const out: StreamMessage[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const total = new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, false);
    const message = codec.decode(bytes.subarray(offset, offset + total));
    const kind = message.headers[':message-type']?.value === 'exception' ? 'exception' : 'event';
    const name = String(message.headers[kind === 'exception' ? ':exception-type' : ':event-type']?.value);
    out.push({ kind, name, payload: JSON.parse(toUtf8(message.body)) });
    offset += total;
  }
  return out;
}
