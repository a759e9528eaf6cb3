import type { TextRewriter } from '@switchyard/plugin-kit';
import type { Detector } from './detectors';

/** `[EMAIL_1]`, `[CARD_12]`: an upper-case label, an underscore and a number, in brackets. */
const PLACEHOLDER = /\[([A-Z][A-Z0-9_]*_\d+)\]/g;
const IS_PLACEHOLDER = /^\[[A-Z][A-Z0-9_]*_\d+\]$/;
/** The start of a placeholder that may still be completed by the next piece of a stream. */
const PLACEHOLDER_PREFIX = /\[[A-Z0-9_]{0,40}$/;

/**
 * Swaps personal data for placeholders within one request and back again in its answer. The same
 * value gets the same placeholder every time it appears, so the model can still tell that two
 * mentions are the same person; the values never leave this object.
 */
export class Pseudonymizer {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly detectors: readonly Detector[]) {}

  /** How many distinct values were replaced, per label. */
  summary(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  get size(): number {
    return this.byValue.size;
  }

  redact(text: string): string {
    let out = text;
    for (const detector of this.detectors) {
      out = out.replace(detector.pattern, (match) => {
        if (match === '' || IS_PLACEHOLDER.test(match) || (detector.accept && !detector.accept(match))) return match;
        return this.placeholderFor(detector.label, match);
      });
    }
    return out;
  }

  restore(text: string): string {
    return text.replace(PLACEHOLDER, (whole, name: string) => this.byPlaceholder.get(`[${name}]`) ?? whole);
  }

  /** Restores inside a JSON string (tool call arguments): values are escaped for it. */
  restoreInJson(json: string): string {
    return json.replace(PLACEHOLDER, (whole, name: string) => {
      const value = this.byPlaceholder.get(`[${name}]`);
      return value === undefined ? whole : JSON.stringify(value).slice(1, -1);
    });
  }

  /** Restores a streamed text, holding back a trailing `[...` until it is known whether it is a placeholder. */
  streamRestorer(): TextRewriter {
    let held = '';
    return {
      push: (piece) => {
        held += piece;
        const open = PLACEHOLDER_PREFIX.exec(held);
        const cut = open ? open.index : held.length;
        const ready = held.slice(0, cut);
        held = held.slice(cut);
        return this.restore(ready);
      },
      flush: () => {
        const rest = this.restore(held);
        held = '';
        return rest;
      },
    };
  }

  private placeholderFor(label: string, value: string): string {
    const known = this.byValue.get(value);
    if (known) return known;
    const n = (this.counts.get(label) ?? 0) + 1;
    this.counts.set(label, n);
    const placeholder = `[${label}_${n}]`;
    this.byValue.set(value, placeholder);
    this.byPlaceholder.set(placeholder, value);
    return placeholder;
  }
}
