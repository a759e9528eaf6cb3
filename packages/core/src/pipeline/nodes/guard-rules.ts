import { GatewayError } from '../../errors';
import { ParamError } from '../errors';

/*
 * Guard rules compiled once: each rule is a regular expression that either blocks or is
 * replaced. The same rules serve whole texts and streams (see StreamRedactor).
 */

export const PRESET_PATTERNS: Record<string, string> = {
  email: '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}',
  'credit-card': '\\b(?:\\d[ -]?){12,18}\\d\\b',
  'api-key': '\\b(?:sk|pk|rk|sy)-[A-Za-z0-9_-]{16,}|\\bAKIA[0-9A-Z]{16}\\b|\\bAIza[0-9A-Za-z_-]{35}\\b|\\bgh[pousr]_[A-Za-z0-9]{36,}\\b',
  phone: '\\+?\\d[\\d ().-]{7,}\\d',
  ipv4: '\\b(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\b',
  'us-ssn': '\\b\\d{3}-\\d{2}-\\d{4}\\b',
};

export interface GuardRuleParams {
  label?: string;
  pattern?: string;
  flags?: string;
  preset?: string;
  action: 'block' | 'redact';
  replacement?: string;
  message?: string;
}

export interface GuardRule {
  name: string;
  action: 'block' | 'redact';
  /** For `test` (no global state). */
  once: RegExp;
  /** For replace/exec over all matches. */
  all: RegExp;
  replacement: string;
  message?: string;
}

export function compileRules(rules: GuardRuleParams[]): GuardRule[] {
  return rules.map((r, i) => {
    const source = r.preset ? PRESET_PATTERNS[r.preset] : r.pattern;
    if (source === undefined) throw new ParamError(`params.rules[${i}]`, 'a rule needs a pattern or a preset');
    const flags = r.flags ?? '';
    let once: RegExp;
    try {
      once = new RegExp(source, flags);
    } catch (err) {
      throw new ParamError(`params.rules[${i}].pattern`, (err as Error).message);
    }
    return {
      name: r.label ?? r.preset ?? `rule ${i + 1}`,
      action: r.action,
      once,
      all: new RegExp(source, `${flags}g`),
      replacement: r.replacement ?? '[REDACTED]',
      message: r.message,
    };
  });
}

export function blockedError(side: 'Request' | 'Response', rule: GuardRule): GatewayError {
  // Never echo the matched text: it is what the rule protects.
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    message: `${side} blocked by a content guard: ${rule.message ?? `it matches the rule "${rule.name}"`}.`,
    code: 'content_blocked',
    retryable: false,
  });
}

export function firstBlocking(rules: readonly GuardRule[], text: string): GuardRule | undefined {
  for (const r of rules) if (r.action === 'block' && r.once.test(text)) return r;
  return undefined;
}

export function redactAll(rules: readonly GuardRule[], text: string): string {
  let out = text;
  for (const r of rules) {
    if (r.action !== 'redact') continue;
    r.all.lastIndex = 0;
    out = out.replace(r.all, () => r.replacement);
  }
  return out;
}

/** Blocks or redacts one whole text; returns it unchanged (same string) when nothing applies. */
export function guardText(rules: readonly GuardRule[], text: string, side: 'Request' | 'Response'): string {
  const block = firstBlocking(rules, text);
  if (block) throw blockedError(side, block);
  return redactAll(rules, text);
}

/**
 * Redaction over text that arrives in pieces. Text is released only once `window` more
 * characters have arrived after it (or the text ends), and never in the middle of a match; so
 * any match up to `window` characters long is seen whole before any of it is released, whatever
 * the chunk boundaries. Anchors and lookarounds see only the buffered text.
 */
export class StreamRedactor {
  private pending = '';

  constructor(
    private readonly rules: readonly GuardRule[],
    private readonly window: number,
  ) {}

  get held(): string {
    return this.pending;
  }

  /** Adds text; returns what may be released now (redacted). Throws when a block rule matches. */
  push(text: string, final: boolean): string {
    const buf = this.pending + text;
    const block = firstBlocking(this.rules, buf);
    if (block) throw blockedError('Response', block);
    if (final) {
      this.pending = '';
      return redactAll(this.rules, buf);
    }
    let cut = buf.length - this.window;
    if (cut <= 0) {
      this.pending = buf;
      return '';
    }
    for (let moved = true; moved; ) {
      moved = false;
      for (const r of this.rules) {
        if (r.action !== 'redact') continue;
        const re = r.all;
        re.lastIndex = 0;
        for (let m = re.exec(buf); m; m = re.exec(buf)) {
          if (m[0].length === 0) {
            re.lastIndex++;
            continue;
          }
          if (m.index >= cut) break;
          if (m.index + m[0].length > cut) {
            cut = m.index;
            moved = true;
            break;
          }
        }
      }
    }
    this.pending = buf.slice(cut);
    return redactAll(this.rules, buf.slice(0, cut));
  }
}
