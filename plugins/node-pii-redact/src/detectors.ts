/*
 * What counts as personal data, one detector per kind. Each has a broad pattern and, where the
 * data carries one, a check that weeds out look-alikes (Luhn for card numbers, mod 97 for IBANs,
 * digit counts for phone numbers), so order numbers and timestamps are left alone.
 */

export interface Detector {
  /** The placeholder label: `[EMAIL_1]`. */
  label: string;
  /** Global regex; every match is a candidate. */
  pattern: RegExp;
  /** Whether a candidate really is one (default: all are). */
  accept?(match: string): boolean;
}

export const BUILTIN_DETECTORS = ['email', 'phone', 'credit-card', 'iban', 'ipv4', 'us-ssn'] as const;
export type BuiltinDetector = (typeof BUILTIN_DETECTORS)[number];

const DATE = /^(?:\d{4}[-. ]\d{1,2}[-. ]\d{1,2}|\d{1,2}[-. ]\d{1,2}[-. ]\d{4})$/;
const digitsOf = (s: string) => s.replace(/\D/g, '');

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616: move the first four characters to the end, letters to numbers, remainder mod 97 is 1. */
export function ibanValid(candidate: string): boolean {
  const iban = candidate.replace(/\s/g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

const DETECTORS: Record<BuiltinDetector, Detector> = {
  email: { label: 'EMAIL', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  iban: { label: 'IBAN', pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g, accept: ibanValid },
  'credit-card': {
    label: 'CARD',
    pattern: /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g,
    accept: (m) => luhnValid(digitsOf(m)),
  },
  'us-ssn': { label: 'SSN', pattern: /(?<!\d)(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?!\d)/g },
  ipv4: { label: 'IP', pattern: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)/g },
  phone: {
    label: 'PHONE',
    // An optional +country code, an optional (area), then groups of digits with separators.
    pattern: /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?![\w])/g,
    accept: (m) => {
      const n = digitsOf(m).length;
      // A bare run of digits is more often an id or an amount than a phone number, and dates
      // written with dashes or dots have a phone number's shape.
      return n >= 7 && n <= 15 && /[+ ().-]/.test(m) && !DATE.test(m);
    },
  },
};

/**
 * The detectors to run, in order: custom patterns first (they are the operator's specific
 * knowledge), then the structured kinds before phone numbers, whose pattern is the loosest.
 */
export function detectorsFor(kinds: readonly BuiltinDetector[], custom: ReadonlyArray<{ label: string; pattern: string }>): Detector[] {
  const order: BuiltinDetector[] = ['email', 'iban', 'credit-card', 'us-ssn', 'ipv4', 'phone'];
  return [
    ...custom.map((c) => ({ label: c.label, pattern: compileGlobal(c.pattern) })),
    ...order.filter((k) => kinds.includes(k)).map((k) => DETECTORS[k]),
  ];
}

function compileGlobal(source: string): RegExp {
  try {
    return new RegExp(source, 'gu');
  } catch {
    return new RegExp(source, 'g');
  }
}
