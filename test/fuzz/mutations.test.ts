import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chunkSizes, getAt, jsonPaths, mutate, MUTATION_KINDS, pathName, randomCase, wrongTypeCases, type FuzzCase, type Json } from './mutations';
import { seededRandom } from './random';
import { encodeRequest, parseResponse } from './raw-http';

const valid: Json = { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0.5, stream: false };
const options = { bodyLimit: 4096 };
const fingerprint = (cases: FuzzCase[]) => createHash('sha256').update(cases.map((c) => `${c.kind}|${c.detail}|${c.framing}|${c.contentType}|${c.body.toString('hex')}`).join('\n')).digest('hex');
const casesFor = (seed: number, n = 300) => {
  const rng = seededRandom(seed);
  return Array.from({ length: n }, () => randomCase(rng, valid, options));
};
const isUtf8 = (b: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('the fuzz case generator', () => {
  it('is deterministic for a seed, and differs between seeds', () => {
    expect(fingerprint(casesFor(1))).toBe(fingerprint(casesFor(1)));
    expect(fingerprint(casesFor(1))).not.toBe(fingerprint(casesFor(2)));
  });

  it('draws every mutation kind', () => {
    expect(new Set(casesFor(3).map((c) => c.kind))).toEqual(new Set(MUTATION_KINDS));
  });

  it('puts a value of every other JSON type at every path of the valid body', () => {
    const cases = wrongTypeCases(valid);
    const paths = jsonPaths(valid);
    expect(paths).toHaveLength(8);
    for (const path of paths) {
      const atPath = cases.filter((c) => c.detail.startsWith(`${pathName(path)} := `));
      const replaced = atPath.map((c) => getAt(JSON.parse(c.body.toString()) as Json, path));
      const types = new Set(replaced.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)));
      const own = getAt(valid, path);
      // Every JSON type but the value's own (numbers also get out-of-range numbers).
      expect(types.size).toBe(typeof own === 'number' ? 6 : 5);
      expect(atPath).toHaveLength(typeof own === 'number' ? 8 : 5);
    }
    // 8 paths x 5 other types, plus 3 out-of-range numbers for the one number.
    expect(cases).toHaveLength(8 * 5 + 3);
    expect(cases.map((c) => c.detail)).toContain('messages[0].role := null');
    expect(cases.map((c) => c.detail)).toContain('(body) := []');
  });

  it('breaks bodies the way each kind says', () => {
    const rng = seededRandom(4);
    const many = (kind: (typeof MUTATION_KINDS)[number], n = 40) => Array.from({ length: n }, () => mutate(rng, kind, valid, options));
    const text = JSON.stringify(valid);

    for (const c of many('truncate')) expect(text.startsWith(c.body.toString()) && c.body.length < text.length).toBe(true);
    for (const c of many('deep-nesting')) expect(c.body.toString()).toMatch(/(\[{10000}|(\{"a":){10000})/);
    for (const c of many('invalid-utf8')) expect(isUtf8(c.body)).toBe(false);
    for (const c of many('nul-byte')) expect(c.body.includes(0) || c.body.toString().includes('\\u0000')).toBe(true);
    for (const c of many('duplicate-key')) {
      const keys = [...c.body.toString().matchAll(/"(\w+)":/g)].map((m) => m[1]);
      expect(keys.length).toBeGreaterThan(new Set(keys).size);
    }
    for (const c of many('missing-content-type')) expect(c.contentType).toBeNull();
    for (const c of many('wrong-content-type')) expect(c.contentType).not.toBe('application/json');
    for (const c of many('chunked')) expect(c.framing).toBe('chunked');
    for (const c of many('lying-length')) expect(['short-length', 'long-length']).toContain(c.framing);
    for (const c of many('content-encoding')) expect(c.contentEncoding).toBeDefined();
    const sizes = many('huge-string', 200).map((c) => c.body.length);
    // Around the limit, on both sides: below, at, just past and twice over (within a unit of the filler).
    expect(sizes.some((n) => n < options.bodyLimit)).toBe(true);
    expect(sizes.some((n) => n > options.bodyLimit && n < options.bodyLimit + 8)).toBe(true);
    expect(sizes.some((n) => n >= 2 * options.bodyLimit - 8)).toBe(true);
    const bomb = many('content-encoding', 60).find((c) => c.detail.startsWith('gzip bomb'))!;
    expect(gunzipSync(bomb.body).length).toBeGreaterThan(4 * options.bodyLimit);
    expect(bomb.body.length).toBeLessThan(options.bodyLimit);
  });

  it('splits bodies into chunks that add up', () => {
    const rng = seededRandom(5);
    for (let i = 0; i < 50; i++) {
      const length = 1 + rng.int(500);
      const sizes = chunkSizes(rng, length);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(length);
      expect(sizes.every((s) => s > 0)).toBe(true);
    }
  });
});

describe('the raw HTTP client', () => {
  const body = Buffer.from('{"a":"0123456789"}');
  it('frames a body as chunked, or with a lying Content-Length', () => {
    const chunked = encodeRequest('h', { method: 'POST', path: '/x', body, framing: 'chunked', chunks: [5, 13] }).bytes.toString();
    expect(chunked).toContain('Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\nd\r\n"0123456789"}\r\n0\r\n\r\n');
    expect(encodeRequest('h', { method: 'POST', path: '/x', body, framing: 'short-length' }).bytes.toString()).toContain(`Content-Length: ${body.length >> 1}\r\n`);
    const long = encodeRequest('h', { method: 'POST', path: '/x', body, framing: 'long-length' });
    expect(Number(/Content-Length: (\d+)/.exec(long.bytes.toString())![1])).toBeGreaterThan(body.length);
    expect(long.halfClose).toBe(true);
  });

  it('reads responses by Content-Length, chunked, or to the close', () => {
    const byLength = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\n{}extra');
    expect(parseResponse(byLength, false)).toMatchObject({ status: 400, length: byLength.length - 5 });
    const chunked = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n');
    expect(parseResponse(chunked, false)!.body.toString()).toBe('abc');
    expect(parseResponse(chunked.subarray(0, chunked.length - 3), false)).toBeUndefined();
    const toClose = Buffer.from('HTTP/1.1 200 OK\r\n\r\nall of it');
    expect(parseResponse(toClose, false)).toBeUndefined();
    expect(parseResponse(toClose, true)!.body.toString()).toBe('all of it');
    expect(parseResponse(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'), false)!.status).toBe(204);
  });
});
