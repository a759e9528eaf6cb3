import { gzipSync } from 'node:zlib';
import type { Random } from './random';

/**
 * Mutated request bodies for fuzzing the HTTP API: from one valid body, bodies that are broken in
 * every way a client (or an attacker) can break them, byte-level and structural. Pure and
 * deterministic: the cases depend only on the Random passed in.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = Array<string | number>;

/**
 * How the body goes on the wire: with its true Content-Length, chunked, with a Content-Length
 * shorter than the body (the rest reads as a second, garbage request) or longer (the client then
 * half-closes, so the server sees the body end early), or framed in ways HTTP forbids: two
 * different Content-Lengths, Content-Length with chunked (request smuggling), a chunk size that
 * is not hex.
 */
export type Framing = 'content-length' | 'chunked' | 'short-length' | 'long-length' | 'double-length' | 'length-and-chunked' | 'bad-chunk-size';

export const MUTATION_KINDS = [
  'truncate',
  'wrong-type',
  'huge-string',
  'deep-nesting',
  'invalid-utf8',
  'nul-byte',
  'duplicate-key',
  'odd-number',
  'wrong-content-type',
  'missing-content-type',
  'chunked',
  'lying-length',
  'top-level',
  'content-encoding',
  'odd-headers',
  'broken-framing',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface FuzzCase {
  kind: MutationKind;
  /** What was done, for failure messages (short; never the body itself). */
  detail: string;
  body: Buffer;
  /** The Content-Type header; null sends none. */
  contentType: string | null;
  contentEncoding?: string;
  /** More request headers (odd or invalid ones). */
  extraHeaders?: Array<[string, string]>;
  framing: Framing;
}

export interface MutationOptions {
  /** The route's body limit in bytes: huge strings are sized around it. */
  bodyLimit: number;
  /** Depth of the deeply nested values (default 10 000). */
  nestingDepth?: number;
}

export const JSON_TYPE = 'application/json';

/** Every path into a JSON value, the root ([]) first. */
export function jsonPaths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...jsonPaths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

/** `messages[0].content`, the way OpenAI names a parameter; the root is `(body)`. */
export function pathName(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(body)';
}

export function getAt(value: Json, path: Path): Json {
  let v: Json = value;
  for (const p of path) v = (v as Record<string | number, Json>)[p]!;
  return v;
}

/** A copy of `value` with the value at `path` replaced. */
export function setAt(value: Json, path: Path, replacement: Json): Json {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let parent = copy;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, Json>;
  parent[path[path.length - 1]!] = replacement;
  return copy;
}

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';
const typeOf = (v: Json): JsonType => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType));

/** One value of each JSON type. */
const ONE_OF_EACH_TYPE: Json[] = [null, true, 7, 'x', [], { a: 1 }];
/** More values of every type, for the random cases. */
const ODD_VALUES: Json[] = [null, true, false, 0, -1, 1.5, 2 ** 53 + 1, -1e300, '', ' ', '0', 'null', 'true', '\u202e', '😀'.repeat(3), [], [null], [[]], ['x', 1], {}, { a: {} }, { '': null }];

/** Values of other types than `original` (for numbers, also ones likely out of range). */
export function wrongValuesFor(original: Json, pool: Json[] = ONE_OF_EACH_TYPE): Json[] {
  const wrong = pool.filter((v) => typeOf(v) !== typeOf(original));
  if (typeof original === 'number') wrong.push(-1, 0.5, 1e300);
  return wrong;
}

const SLOT = '__fuzz_slot_7f3a__';
const SLOT_TEXT = JSON.stringify(SLOT);

/** The body's JSON text with the value at `path` replaced by raw text (which may be invalid JSON on purpose). */
export function withRaw(valid: Json, path: Path, raw: string): string {
  if (path.length === 0) return raw;
  return JSON.stringify(setAt(valid, path, SLOT)).replace(SLOT_TEXT, () => raw);
}

const jsonCase = (kind: MutationKind, detail: string, text: string | Buffer, framing: Framing = 'content-length'): FuzzCase => ({
  kind,
  detail,
  body: typeof text === 'string' ? Buffer.from(text) : text,
  contentType: JSON_TYPE,
  framing,
});

/** For every path of the valid body, one case per JSON type the value does not have. */
export function wrongTypeCases(valid: Json): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (const path of jsonPaths(valid)) {
    for (const wrong of wrongValuesFor(getAt(valid, path))) {
      out.push(jsonCase('wrong-type', `${pathName(path)} := ${JSON.stringify(wrong)}`, JSON.stringify(setAt(valid, path, wrong))));
    }
  }
  return out;
}

const stringPaths = (valid: Json) => jsonPaths(valid).filter((p) => typeof getAt(valid, p) === 'string');
const memberPaths = (valid: Json) => jsonPaths(valid).filter((p) => typeof p[p.length - 1] === 'string');

const INVALID_UTF8: number[][] = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0x80], // overlong NUL
  [0xc3], // a lead byte with no continuation
  [0xe2, 0x82], // truncated 3-byte sequence
  [0xed, 0xa0, 0x80], // a UTF-16 surrogate encoded in UTF-8
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
];

const ODD_NUMBERS = ['1e309', '-1e309', '-0', '-0.0e0', 'NaN', 'Infinity', '-Infinity', '1e-400', '0x10', '01', '1.', '.5', '+1', '1e+', '-', '123456789012345678901234567890', '9007199254740993', '1E400', 'nan', '1_000'];

const ODD_CONTENT_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=no-such-charset',
  'application/json; charset',
  'application/json;charset=utf-8;charset=ascii',
  'APPLICATION/JSON',
  'application/json ; charset = "UTF-8"',
  'application/jsonx',
  'application/vnd.api+json',
  '*/*',
  ';;;',
  'application/' + 'x'.repeat(4000),
];

const TOP_LEVEL = ['', ' ', '\r\n\t ', '\ufeff{}', '\ufeff\ufeff{}', 'null', 'true', '42', '-0', '"str"', '[]', '[{}]', '{}', '{"a":1}{"b":2}', '{} garbage', '{"__proto__":{"admin":true,"role":"owner"}}', '{"constructor":{"prototype":{"admin":true}}}', ',', '{', '}', '{"a":}', "{'a':1}", '{"a":1,}', '[1,]', '\u0000'];

const ENCODINGS = ['gzip', 'deflate', 'br', 'x-custom', 'gzip, gzip', 'identity', 'GZIP', ''];

const ODD_HEADERS: Array<Array<[string, string]>> = [
  [['Expect', '100-continue']],
  [['Expect', 'something-else']],
  [['Content-Type', 'text/plain']], // a second Content-Type
  [['X-Padding', 'a'.repeat(20_000)]], // past node's 16 kB of headers
  [['X-Bad', 'a\u0001b']],
  [['Transfer-Encoding', 'gzip']],
  [['X-Forwarded-For', 'not-an-address, , 999.1.1.1']],
  [['Authorization', 'Bearer ' + 'A'.repeat(4000)]],
  [['Content-Length', 'abc']],
];

/** Splits a body into 1 to 8 chunks at random places (for chunked framing). */
export function chunkSizes(rng: Random, length: number): number[] {
  if (length === 0) return [];
  const cuts = new Set<number>();
  const n = rng.int(8);
  for (let i = 0; i < n; i++) cuts.add(1 + rng.int(Math.max(1, length - 1)));
  const sorted = [...cuts].filter((c) => c < length).sort((a, b) => a - b);
  const sizes: number[] = [];
  let last = 0;
  for (const c of [...sorted, length]) {
    sizes.push(c - last);
    last = c;
  }
  return sizes;
}

/**
 * One random mutation of `valid`. Every kind in MUTATION_KINDS is equally likely; most cases go
 * with their true Content-Length, some chunked.
 */
export function randomCase(rng: Random, valid: Json, options: MutationOptions): FuzzCase {
  const c = mutate(rng, rng.pick(MUTATION_KINDS), valid, options);
  if (c.framing === 'content-length' && rng.chance(0.15)) c.framing = 'chunked';
  return c;
}

export function mutate(rng: Random, kind: MutationKind, valid: Json, options: MutationOptions): FuzzCase {
  const text = JSON.stringify(valid);
  const paths = jsonPaths(valid);
  switch (kind) {
    case 'truncate': {
      const cut = rng.int(text.length);
      return jsonCase(kind, `cut at ${cut} of ${text.length}`, text.slice(0, cut));
    }
    case 'wrong-type': {
      const path = rng.pick(paths);
      const wrong = rng.pick(wrongValuesFor(getAt(valid, path), ODD_VALUES));
      return jsonCase(kind, `${pathName(path)} := ${JSON.stringify(wrong)}`, JSON.stringify(setAt(valid, path, wrong)));
    }
    case 'huge-string': {
      const limit = options.bodyLimit;
      const target = rng.pick([Math.floor(limit / 2), limit - 1, limit, limit + 1, limit * 2]);
      const strings = stringPaths(valid);
      const path: Path = strings.length > 0 && rng.chance(0.8) ? rng.pick(strings) : ['padding'];
      const base = Buffer.byteLength(withRaw(valid, path, '""'));
      const [unit, unitBytes] = rng.pick([['a', 1], ['€', 3], ['\\u00e9', 6], ['\\n', 2]] as const);
      const filler = unit.repeat(Math.max(0, Math.floor((target - base) / unitBytes)));
      return jsonCase(kind, `${pathName(path)} := string of ~${target} bytes (${unit})`, withRaw(valid, path, `"${filler}"`));
    }
    case 'deep-nesting': {
      const depth = options.nestingDepth ?? 10_000;
      const path = rng.pick(paths);
      const asObjects = rng.chance(0.5);
      const balanced = rng.chance(0.7);
      const open = asObjects ? '{"a":'.repeat(depth) + '1' : '['.repeat(depth);
      const close = (asObjects ? '}' : ']').repeat(balanced ? depth : Math.floor(depth / 2));
      return jsonCase(kind, `${pathName(path)} := ${asObjects ? 'objects' : 'arrays'} nested ${depth} deep${balanced ? '' : ', unbalanced'}`, withRaw(valid, path, open + close));
    }
    case 'invalid-utf8': {
      const bad = Buffer.from(rng.pick(INVALID_UTF8));
      const strings = stringPaths(valid);
      if (strings.length > 0 && rng.chance(0.7)) {
        const path = rng.pick(strings);
        const [before, after] = withRaw(valid, path, `"ab${SLOT}cd"`).split(SLOT);
        return jsonCase(kind, `${pathName(path)} holds bytes ${bad.toString('hex')}`, Buffer.concat([Buffer.from(before!), bad, Buffer.from(after!)]));
      }
      const bytes = Buffer.from(text);
      const at = rng.int(bytes.length + 1);
      return jsonCase(kind, `bytes ${bad.toString('hex')} at offset ${at}`, Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]));
    }
    case 'nul-byte': {
      const strings = stringPaths(valid);
      const variant = rng.int(4);
      if (variant === 0 && strings.length > 0) {
        const path = rng.pick(strings);
        return jsonCase(kind, `${pathName(path)} holds a raw NUL`, withRaw(valid, path, `"a\u0000b"`));
      }
      if (variant === 1 && strings.length > 0) {
        const path = rng.pick(strings);
        return jsonCase(kind, `${pathName(path)} holds an escaped NUL`, withRaw(valid, path, JSON.stringify(`${getAt(valid, path)}\u0000`)));
      }
      if (variant === 2) return jsonCase(kind, 'a key with an escaped NUL', text.replace(/^\{/, '{"a\\u0000b":1,'));
      const at = rng.int(text.length + 1);
      return jsonCase(kind, `raw NUL at offset ${at}`, text.slice(0, at) + '\u0000' + text.slice(at));
    }
    case 'duplicate-key': {
      const members = memberPaths(valid);
      if (members.length === 0) return jsonCase(kind, 'duplicate keys at the top', text.replace(/^\{/, '{"a":1,"a":"x",'));
      const path = rng.pick(members);
      const key = JSON.stringify(path[path.length - 1]);
      const original = JSON.stringify(getAt(valid, path));
      const wrong = JSON.stringify(rng.pick(wrongValuesFor(getAt(valid, path), ODD_VALUES)));
      const [first, second] = rng.chance(0.5) ? [original, wrong] : [wrong, original];
      const body = JSON.stringify(setAt(valid, path, SLOT)).replace(`${key}:${SLOT_TEXT}`, () => `${key}:${first},${key}:${second}`);
      return jsonCase(kind, `${pathName(path)} twice (${first.slice(0, 30)} then ${second.slice(0, 30)})`, body);
    }
    case 'odd-number': {
      const numbers = paths.filter((p) => typeof getAt(valid, p) === 'number');
      const path = numbers.length > 0 && rng.chance(0.6) ? rng.pick(numbers) : rng.pick(paths);
      const raw = rng.pick(ODD_NUMBERS);
      return jsonCase(kind, `${pathName(path)} := ${raw}`, withRaw(valid, path, raw));
    }
    case 'wrong-content-type': {
      const type = rng.pick(ODD_CONTENT_TYPES);
      return { ...jsonCase(kind, `Content-Type: ${type.slice(0, 60)}`, text), contentType: type };
    }
    case 'missing-content-type':
      return { ...jsonCase(kind, 'no Content-Type', rng.chance(0.5) ? text : text.slice(0, rng.int(text.length))), contentType: null };
    case 'chunked': {
      const body = rng.chance(0.5) ? text : text.slice(0, rng.int(text.length));
      return jsonCase(kind, `chunked, ${body.length} of ${text.length} bytes`, body, 'chunked');
    }
    case 'lying-length': {
      const framing = rng.pick(['short-length', 'long-length'] as const);
      return jsonCase(kind, `${framing} Content-Length`, text, framing);
    }
    case 'top-level': {
      const body = rng.pick(TOP_LEVEL);
      return jsonCase(kind, `body ${JSON.stringify(body).slice(0, 60)}`, body);
    }
    case 'odd-headers': {
      const headers = rng.pick(ODD_HEADERS);
      return { ...jsonCase(kind, `headers ${headers.map(([k, v]) => `${k}: ${v.slice(0, 30)}`).join(', ')}`, text), extraHeaders: headers };
    }
    case 'broken-framing': {
      const framing = rng.pick(['double-length', 'length-and-chunked', 'bad-chunk-size'] as const);
      return jsonCase(kind, framing, text, framing);
    }
    case 'content-encoding': {
      const encoding = rng.pick(ENCODINGS);
      const variant = rng.int(3);
      // A real gzip stream: of the valid body, or a small bomb that inflates to 4x the limit.
      if (variant === 0 && encoding.toLowerCase() === 'gzip') return { ...jsonCase(kind, 'gzip of the valid body', gzipSync(text)), contentEncoding: encoding };
      if (variant === 1) return { ...jsonCase(kind, 'gzip bomb (4x the limit inflated)', gzipBomb(options.bodyLimit * 4)), contentEncoding: 'gzip' };
      return { ...jsonCase(kind, `Content-Encoding: ${encoding} on a plain body`, text), contentEncoding: encoding };
    }
  }
}

const bombs = new Map<number, Buffer>();
/** `{"a":"000..."}` of `size` bytes, gzipped (a few hundred bytes on the wire). */
function gzipBomb(size: number): Buffer {
  let bomb = bombs.get(size);
  if (!bomb) {
    bomb = gzipSync(Buffer.concat([Buffer.from('{"a":"'), Buffer.alloc(size, '0'), Buffer.from('"}')]), { level: 9 });
    bombs.set(size, bomb);
  }
  return bomb;
}
