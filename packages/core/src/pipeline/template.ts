import { walk, type ValueScope } from './condition/evaluate';
import { CONDITION_ROOTS, parsePath, type PathSegment } from './condition/parser';

/*
 * `{{var}}` templates for prompts. A placeholder holds a path such as `{{metadata.topic}}`,
 * `{{user.name}}`, `{{time.date}}` or `{{vars.tone}}`; a bare name (`{{topic}}`) is looked up
 * in the node's variables, then in the request metadata. Missing values render as ''.
 */

export const TEMPLATE_ROOTS = [...CONDITION_ROOTS, 'vars'] as const;
export const MAX_TEMPLATE_LENGTH = 20_000;

type Part = string | { root: string; segs: PathSegment[]; bare?: string };

export interface Template {
  readonly parts: readonly Part[];
  /** True when the template has no placeholders (render returns the text as is). */
  readonly constant: boolean;
}

export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function compileTemplate(src: string): Template {
  if (src.length > MAX_TEMPLATE_LENGTH) throw new TemplateSyntaxError(`the template is longer than ${MAX_TEMPLATE_LENGTH} characters`);
  const parts: Part[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      parts.push(src.slice(i));
      break;
    }
    if (open > i) parts.push(src.slice(i, open));
    const close = src.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateSyntaxError(`'{{' at character ${open + 1} is never closed`);
    const inner = src.slice(open + 2, close).trim();
    if (inner === '') throw new TemplateSyntaxError(`empty placeholder at character ${open + 1}`);
    if (BARE_NAME.test(inner) && !(TEMPLATE_ROOTS as readonly string[]).includes(inner)) {
      parts.push({ root: 'vars', segs: [inner], bare: inner });
    } else {
      try {
        parts.push(parsePath(inner, TEMPLATE_ROOTS));
      } catch (err) {
        throw new TemplateSyntaxError(`placeholder {{${inner}}}: ${(err as Error).message}`);
      }
    }
    i = close + 2;
  }
  return { parts, constant: parts.every((p) => typeof p === 'string') };
}

function show(v: unknown): string {
  if (v == null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function renderTemplate(tpl: Template, scope: ValueScope): string {
  if (tpl.constant) return (tpl.parts[0] as string | undefined) ?? '';
  let out = '';
  for (const p of tpl.parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    let v = scope.lookup(p.root, p.segs);
    if (v === undefined && p.bare !== undefined) v = walk(scope.lookup('metadata', []), [p.bare]);
    out += show(v);
  }
  return out;
}

export function templateError(src: string): string | undefined {
  try {
    compileTemplate(src);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
