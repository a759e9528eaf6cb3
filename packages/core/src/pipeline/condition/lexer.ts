/*
 * Tokens of the condition language. There is no arithmetic, so `-` may appear inside names
 * (`headers.x-tier`) and `/` always starts a regular expression literal.
 */

export type TokenKind = 'name' | 'string' | 'number' | 'regex' | 'op' | 'punct' | 'end';

export interface Token {
  kind: TokenKind;
  /** For names, ops and punctuation: the text; for strings: the unescaped value; for regexes: the source. */
  text: string;
  /** Regex flags. */
  flags?: string;
  value?: number;
  /** Offset in the source, for messages. */
  at: number;
}

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(`${message} (at character ${at + 1})`);
    this.name = 'ConditionSyntaxError';
  }
}

const TWO_CHAR_OPS = new Set(['==', '!=', '<=', '>=', '&&', '||']);
const ONE_CHAR_OPS = new Set(['<', '>', '!']);
const PUNCT = new Set(['(', ')', '[', ']', ',', '.']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
}

function isNamePart(c: string): boolean {
  return isNameStart(c) || (c >= '0' && c <= '9') || c === '-';
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      let text = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const e = src[i + 1];
          if (e === undefined || !(e in ESCAPES)) throw new ConditionSyntaxError('unknown escape in string', i);
          text += ESCAPES[e];
          i += 2;
        } else {
          text += src[i++];
        }
      }
      if (i >= src.length) throw new ConditionSyntaxError('unterminated string', start);
      i++;
      out.push({ kind: 'string', text, at: start });
      continue;
    }
    if (isDigit(c) || (c === '-' && isDigit(src[i + 1] ?? ''))) {
      i++;
      while (i < src.length && isDigit(src[i])) i++;
      if (src[i] === '.' && isDigit(src[i + 1] ?? '')) {
        i++;
        while (i < src.length && isDigit(src[i])) i++;
      }
      const text = src.slice(start, i);
      out.push({ kind: 'number', text, value: Number(text), at: start });
      continue;
    }
    if (c === '/') {
      let source = '';
      let inClass = false;
      i++;
      while (i < src.length && (src[i] !== '/' || inClass)) {
        if (src[i] === '\\' && i + 1 < src.length) {
          source += src[i] + src[i + 1];
          i += 2;
          continue;
        }
        if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        source += src[i++];
      }
      if (i >= src.length) throw new ConditionSyntaxError('unterminated regular expression', start);
      i++;
      let flags = '';
      while (i < src.length && /[a-z]/.test(src[i])) flags += src[i++];
      out.push({ kind: 'regex', text: source, flags, at: start });
      continue;
    }
    if (isNameStart(c)) {
      i++;
      while (i < src.length && isNamePart(src[i])) i++;
      out.push({ kind: 'name', text: src.slice(start, i), at: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      out.push({ kind: 'op', text: two, at: start });
      i += 2;
      continue;
    }
    if (ONE_CHAR_OPS.has(c)) {
      out.push({ kind: 'op', text: c, at: start });
      i++;
      continue;
    }
    if (PUNCT.has(c)) {
      out.push({ kind: 'punct', text: c, at: start });
      i++;
      continue;
    }
    throw new ConditionSyntaxError(`unexpected character '${c}'`, i);
  }
  out.push({ kind: 'end', text: '', at: src.length });
  return out;
}
