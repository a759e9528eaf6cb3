import type { CompareOp, Expr, PathSegment } from './parser';

/** Where a compiled condition reads its values from (one per evaluation). */
export interface ValueScope {
  lookup(root: string, segs: readonly PathSegment[]): unknown;
}

export type Evaluator = (scope: ValueScope) => unknown;
export type Predicate = (scope: ValueScope) => boolean;

/** Walks plain data by own properties only, so `__proto__`/`constructor` lead nowhere. */
export function walk(value: unknown, segs: readonly PathSegment[], from = 0): unknown {
  let v = value;
  for (let i = from; i < segs.length; i++) {
    if (v === null || typeof v !== 'object') return undefined;
    const seg = segs[i];
    if (Array.isArray(v)) {
      v = typeof seg === 'number' ? v[seg] : undefined;
    } else {
      const key = String(seg);
      v = Object.prototype.hasOwnProperty.call(v, key) ? (v as Record<string, unknown>)[key] : undefined;
    }
  }
  return v;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Equality without surprises: null equals undefined, and a number equals its decimal string. */
export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return a == null && b == null;
  if (typeof a === 'number' && typeof b === 'string') return numeric(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return numeric(a) === b;
  return false;
}

function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = numeric(a);
  const y = numeric(b);
  if (x === undefined || y === undefined) return undefined;
  return x - y;
}

function contains(haystack: unknown, needle: unknown): boolean {
  if (Array.isArray(haystack)) {
    for (const item of haystack) if (looseEquals(item, needle)) return true;
    return false;
  }
  if (typeof haystack === 'string') return needle != null && haystack.includes(String(needle));
  if (haystack !== null && typeof haystack === 'object') return needle != null && Object.prototype.hasOwnProperty.call(haystack, String(needle));
  return false;
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return looseEquals(a, b);
    case '!=':
      return !looseEquals(a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case 'contains':
      return contains(a, b);
    case 'startsWith':
      return typeof a === 'string' && b != null && a.startsWith(String(b));
    case 'endsWith':
      return typeof a === 'string' && b != null && a.endsWith(String(b));
    default: {
      const o = order(a, b);
      if (o === undefined) return false;
      return op === '<' ? o < 0 : op === '<=' ? o <= 0 : op === '>' ? o > 0 : o >= 0;
    }
  }
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

/** Turns an expression into a tree of closures, built once per compiled pipeline. */
export function compileExpr(e: Expr): Evaluator {
  switch (e.t) {
    case 'lit': {
      const value = e.value;
      return () => value;
    }
    case 'list': {
      const items = e.items.map(compileExpr);
      return (s) => items.map((f) => f(s));
    }
    case 'path': {
      const { root, segs } = e;
      return (s) => s.lookup(root, segs);
    }
    case 'call': {
      const arg = compileExpr(e.arg);
      if (e.fn === 'len') {
        return (s) => {
          const v = arg(s);
          if (typeof v === 'string' || Array.isArray(v)) return v.length;
          if (v !== null && typeof v === 'object') return Object.keys(v).length;
          return 0;
        };
      }
      const upper = e.fn === 'upper';
      return (s) => {
        const v = arg(s);
        if (typeof v !== 'string') return v;
        return upper ? v.toUpperCase() : v.toLowerCase();
      };
    }
    case 'not': {
      const inner = compileExpr(e.e);
      return (s) => !truthy(inner(s));
    }
    case 'and': {
      const l = compileExpr(e.l);
      const r = compileExpr(e.r);
      return (s) => truthy(l(s)) && truthy(r(s));
    }
    case 'or': {
      const l = compileExpr(e.l);
      const r = compileExpr(e.r);
      return (s) => truthy(l(s)) || truthy(r(s));
    }
    case 'cmp': {
      const l = compileExpr(e.l);
      const r = compileExpr(e.r);
      const op = e.op;
      return (s) => compare(op, l(s), r(s));
    }
    case 'match': {
      const l = compileExpr(e.l);
      const re = e.re;
      return (s) => {
        const v = l(s);
        return (typeof v === 'string' || typeof v === 'number') && re.test(String(v));
      };
    }
  }
}

export function compilePredicate(e: Expr): Predicate {
  const f = compileExpr(e);
  return (s) => truthy(f(s));
}
