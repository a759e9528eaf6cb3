/*
 * The JSON text a stream chunk was parsed from, kept when that text already is the chunk's
 * canonical serialization (a provider that relays an OpenAI-shaped stream and had nothing to fix).
 * The SSE writer sends that text instead of serializing the chunk again (docs/performance.md).
 *
 * The text is a private field stamped onto the chunk object (a base constructor that returns the
 * object it is given lets a subclass add its private fields to any object). Such a field is
 * invisible to everything else: keys, JSON, equality in tests. A copy made with a spread (how
 * pipeline nodes and text rewriters change a chunk) does not have it and is serialized. A
 * WeakMap would say the same but costs about 300 ns a chunk, a non-enumerable property as much;
 * the field costs well under 100. Code that changes a chunk in place must call `forgetChunkJson`
 * first.
 */
class Receiver {
  constructor(target: object) {
    return target;
  }
}

class ChunkJson extends Receiver {
  #text: string | undefined;

  private constructor(chunk: object, text: string) {
    super(chunk);
    this.#text = text;
  }

  /** A private field can be added to an object once; later writes set it. */
  static write(chunk: object, text: string | undefined): void {
    if (#text in chunk) (chunk as ChunkJson).#text = text;
    else if (text !== undefined) new ChunkJson(chunk, text);
  }

  static read(chunk: object): string | undefined {
    return #text in chunk ? (chunk as ChunkJson).#text : undefined;
  }
}

/** Records `json` as the exact serialization of `chunk`; the caller vouches that the two agree. */
export function rememberChunkJson(chunk: object, json: string): void {
  ChunkJson.write(chunk, json);
}

/** The recorded serialization of `chunk`, if it has one. */
export function chunkJson(chunk: object): string | undefined {
  return ChunkJson.read(chunk);
}

/** Drops the recorded serialization of `chunk`, before changing it in place. */
export function forgetChunkJson(chunk: object): void {
  ChunkJson.write(chunk, undefined);
}
