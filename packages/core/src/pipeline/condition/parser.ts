import { ConditionSyntaxError, tokenize, type Token } from './lexer';

/*
 * The condition language: a small, side-effect-free expression language over the request, e.g.
 *   model startsWith "gpt-4" and (user.tier in ["gold", "platinum"] or headers.x-priority == "high")
 * Parsed once when a pipeline is compiled; see docs/pipelines.md for the grammar.
 */

export type PathSegment = string | number;

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'contains' | 'startsWith' | 'endsWith';

export type Expr =
  | { t: 'lit'; value: string | number | boolean | null }
  | { t: 'list'; items: Expr[] }
  | { t: 'path'; root: string; segs: PathSegment[] }
  | { t: 'call'; fn: FunctionName; arg: Expr }
  | { t: 'not'; e: Expr }
  | { t: 'and' | 'or'; l: Expr; r: Expr }
  | { t: 'cmp'; op: CompareOp; l: Expr; r: Expr }
  | { t: 'match'; l: Expr; re: RegExp };

export type FunctionName = 'len' | 'lower' | 'upper';
const FUNCTIONS = new Set<string>(['len', 'lower', 'upper']);

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null', 'contains', 'startsWith', 'endsWith', 'matches']);
const WORD_OPS = new Set(['contains', 'startsWith', 'endsWith']);
const SYMBOL_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** The names a condition may start a path with. */
export const CONDITION_ROOTS = ['model', 'params', 'request', 'metadata', 'headers', 'key', 'user', 'time'] as const;

export const MAX_CONDITION_LENGTH = 4000;
const MAX_DEPTH = 64;

export interface ParseOptions {
  roots?: readonly string[];
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly roots: ReadonlySet<string>;

  constructor(
    private readonly tokens: Token[],
    roots: readonly string[],
  ) {
    this.roots = new Set(roots);
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private take(): Token {
    return this.tokens[this.pos++];
  }

  private is(kind: Token['kind'], text?: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.kind === kind && (text === undefined || tok.text === text);
  }

  private expect(kind: Token['kind'], text: string): Token {
    if (!this.is(kind, text)) throw new ConditionSyntaxError(`expected '${text}' but found ${describe(this.peek())}`, this.peek().at);
    return this.take();
  }

  parseAll(): Expr {
    const e = this.parseOr();
    if (!this.is('end')) throw new ConditionSyntaxError(`unexpected ${describe(this.peek())}`, this.peek().at);
    return e;
  }

  private nest<T>(fn: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new ConditionSyntaxError('expression is nested too deeply', this.peek().at);
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  private parseOr(): Expr {
    let l = this.parseAnd();
    while (this.is('op', '||') || this.is('name', 'or')) {
      this.take();
      l = { t: 'or', l, r: this.parseAnd() };
    }
    return l;
  }

  private parseAnd(): Expr {
    let l = this.parseUnary();
    while (this.is('op', '&&') || this.is('name', 'and')) {
      this.take();
      l = { t: 'and', l, r: this.parseUnary() };
    }
    return l;
  }

  private parseUnary(): Expr {
    if (this.is('op', '!') || (this.is('name', 'not') && !this.is('name', 'in', 1))) {
      this.take();
      return this.nest(() => ({ t: 'not', e: this.parseUnary() }));
    }
    return this.parseComparison();
  }

  private parseComparison(): Expr {
    const l = this.parseOperand();
    const tok = this.peek();
    if (tok.kind === 'op' && SYMBOL_OPS.has(tok.text)) {
      this.take();
      return { t: 'cmp', op: tok.text as CompareOp, l, r: this.parseOperand() };
    }
    if (tok.kind === 'name') {
      if (tok.text === 'in' || WORD_OPS.has(tok.text)) {
        this.take();
        return { t: 'cmp', op: tok.text as CompareOp, l, r: this.parseOperand() };
      }
      if (tok.text === 'not' && this.is('name', 'in', 1)) {
        this.pos += 2;
        return { t: 'cmp', op: 'not in', l, r: this.parseOperand() };
      }
      if (tok.text === 'matches') {
        this.take();
        return { t: 'match', l, re: this.parseRegex() };
      }
    }
    return l;
  }

  private parseRegex(): RegExp {
    const tok = this.take();
    if (tok.kind !== 'regex' && tok.kind !== 'string') {
      throw new ConditionSyntaxError(`'matches' needs a /regular expression/ or a string, found ${describe(tok)}`, tok.at);
    }
    const flags = tok.flags ?? '';
    if (/[gy]/.test(flags)) throw new ConditionSyntaxError("the 'g' and 'y' flags are not allowed", tok.at);
    try {
      return new RegExp(tok.text, flags);
    } catch (err) {
      throw new ConditionSyntaxError(`invalid regular expression: ${(err as Error).message}`, tok.at);
    }
  }

  private parseOperand(): Expr {
    return this.nest(() => {
      const tok = this.peek();
      switch (tok.kind) {
        case 'string':
          this.take();
          return { t: 'lit', value: tok.text };
        case 'number':
          this.take();
          return { t: 'lit', value: tok.value! };
        case 'punct':
          if (tok.text === '(') {
            this.take();
            const e = this.parseOr();
            this.expect('punct', ')');
            return e;
          }
          if (tok.text === '[') return this.parseList();
          break;
        case 'name':
          return this.parseName();
        case 'regex':
          throw new ConditionSyntaxError("a regular expression may only follow 'matches'", tok.at);
      }
      throw new ConditionSyntaxError(`expected a value but found ${describe(tok)}`, tok.at);
    });
  }

  private parseList(): Expr {
    this.expect('punct', '[');
    const items: Expr[] = [];
    if (!this.is('punct', ']')) {
      for (;;) {
        items.push(this.parseOperand());
        if (!this.is('punct', ',')) break;
        this.take();
      }
    }
    this.expect('punct', ']');
    return { t: 'list', items };
  }

  private parseName(): Expr {
    const tok = this.take();
    if (tok.text === 'true' || tok.text === 'false') return { t: 'lit', value: tok.text === 'true' };
    if (tok.text === 'null') return { t: 'lit', value: null };
    if (FUNCTIONS.has(tok.text) && this.is('punct', '(')) {
      this.take();
      const arg = this.parseOr();
      this.expect('punct', ')');
      return { t: 'call', fn: tok.text as FunctionName, arg };
    }
    if (KEYWORDS.has(tok.text)) throw new ConditionSyntaxError(`unexpected '${tok.text}'`, tok.at);
    if (!this.roots.has(tok.text)) {
      throw new ConditionSyntaxError(`unknown name '${tok.text}' (a path starts with one of: ${[...this.roots].join(', ')})`, tok.at);
    }
    return { t: 'path', root: tok.text, segs: this.parseSegments() };
  }

  private parseSegments(): PathSegment[] {
    const segs: PathSegment[] = [];
    for (;;) {
      if (this.is('punct', '.')) {
        this.take();
        const name = this.take();
        if (name.kind !== 'name') throw new ConditionSyntaxError(`expected a field name after '.' but found ${describe(name)}`, name.at);
        segs.push(name.text);
      } else if (this.is('punct', '[')) {
        this.take();
        const key = this.take();
        if (key.kind === 'string') segs.push(key.text);
        else if (key.kind === 'number' && Number.isInteger(key.value) && key.value! >= 0) segs.push(key.value!);
        else throw new ConditionSyntaxError(`expected a string or an index in [] but found ${describe(key)}`, key.at);
        this.expect('punct', ']');
      } else {
        return segs;
      }
    }
  }
}

function describe(tok: Token): string {
  if (tok.kind === 'end') return 'the end of the expression';
  if (tok.kind === 'string') return `the string "${tok.text}"`;
  return `'${tok.text}'`;
}

/** Parses a condition; throws ConditionSyntaxError with a position on any problem. */
export function parseCondition(src: string, options: ParseOptions = {}): Expr {
  if (typeof src !== 'string' || src.trim() === '') throw new ConditionSyntaxError('the condition is empty', 0);
  if (src.length > MAX_CONDITION_LENGTH) throw new ConditionSyntaxError(`the condition is longer than ${MAX_CONDITION_LENGTH} characters`, 0);
  return new Parser(tokenize(src), options.roots ?? CONDITION_ROOTS).parseAll();
}

/** Parses a bare path such as `metadata.topic` or `user["plan-name"]` (used by templates). */
export function parsePath(src: string, roots: readonly string[]): { root: string; segs: PathSegment[] } {
  const e = new Parser(tokenize(src), roots).parseAll();
  if (e.t !== 'path') throw new ConditionSyntaxError('expected a name such as metadata.topic', 0);
  return { root: e.root, segs: e.segs };
}

/** Returns the syntax error message of a condition, or undefined when it parses. */
export function conditionError(src: string, options?: ParseOptions): string | undefined {
  try {
    parseCondition(src, options);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
