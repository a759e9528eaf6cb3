import { describe, expect, it } from 'vitest';
import { chunkJson, forgetChunkJson, rememberChunkJson } from './chunk-json';

const TEXT = '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"caf\\u00e9"},"finish_reason":null}],"usage":null}';

describe('a chunk\'s recorded JSON text', () => {
  it('is read back from the chunk it was recorded on, and from no other object', () => {
    const chunk = JSON.parse(TEXT) as object;
    expect(chunkJson(chunk)).toBeUndefined();
    rememberChunkJson(chunk, TEXT);
    expect(chunkJson(chunk)).toBe(TEXT);
    expect(chunkJson(JSON.parse(TEXT) as object)).toBeUndefined();
  });

  it('does not travel with a spread or assigned copy, which a change would make', () => {
    const chunk = JSON.parse(TEXT) as { choices: unknown[] };
    rememberChunkJson(chunk, TEXT);
    expect(chunkJson({ ...chunk, choices: [] })).toBeUndefined();
    expect(chunkJson(Object.assign({}, chunk))).toBeUndefined();
    expect(chunkJson(structuredClone(chunk))).toBeUndefined();
  });

  it('is invisible to keys, JSON and deep equality', () => {
    const chunk = JSON.parse(TEXT) as object;
    rememberChunkJson(chunk, TEXT);
    expect(Reflect.ownKeys(chunk)).toEqual(['id', 'object', 'created', 'model', 'choices', 'usage']);
    expect(JSON.stringify(chunk)).toBe(JSON.stringify(JSON.parse(TEXT)));
    expect(chunk).toStrictEqual(JSON.parse(TEXT));
  });

  it('can be forgotten before an in-place change, and recorded again', () => {
    const chunk = JSON.parse(TEXT) as object;
    forgetChunkJson(chunk);
    rememberChunkJson(chunk, TEXT);
    forgetChunkJson(chunk);
    expect(chunkJson(chunk)).toBeUndefined();
    rememberChunkJson(chunk, '{"other":true}');
    expect(chunkJson(chunk)).toBe('{"other":true}');
  });
});
