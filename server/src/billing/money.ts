import type { PriceCard } from '@switchyard/spec';

/** 1 credit = 1,000,000 micro-credits. Every stored amount is an integer number of micro-units. */
export const MICROS = 1_000_000;

/**
 * An exact decimal string ("2.5", "0.00875") to integer micro-units, with no float on the way.
 * More than six decimals would lose money, so it is refused.
 */
export function decimalToMicros(text: string): number {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal amount: '${text}'`);
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > 6) throw new Error(`'${text}' has more than six decimals`);
  const value = Number(m[2]) * MICROS + Number(fraction.padEnd(6, '0') || '0');
  if (!Number.isSafeInteger(value)) throw new Error(`'${text}' is too large`);
  return m[1] ? -value : value;
}

/** Integer micro-units as a decimal string ("2.5"), for display. */
export function microsToDecimal(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS);
  const fraction = String(abs % MICROS).padStart(6, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Checks an amount that arrives through the API: a safe, non-negative integer. */
export function isMicros(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/**
 * Multiplies every amount on a card by `num / den`, rounding up (a markup or a currency rate must
 * never make a price cheaper than intended). Thresholds are token counts and stay as they are.
 */
export function scaleCard(card: PriceCard, num: bigint, den: bigint): PriceCard {
  const scale = (v: number | undefined) => (v === undefined ? undefined : Number((BigInt(v) * num + den - 1n) / den));
  const out: PriceCard = {};
  for (const key of ['inputPer1M', 'outputPer1M', 'cachedInputPer1M', 'cacheWritePer1M', 'embeddingPer1M'] as const) {
    const v = scale(card[key]);
    if (v !== undefined) out[key] = v;
  }
  if (card.perImage) out.perImage = Object.fromEntries(Object.entries(card.perImage).map(([k, v]) => [k, scale(v)!]));
  if (card.longContext) {
    const { promptTokens, ...rates } = card.longContext;
    out.longContext = { promptTokens, ...(scaleCard(rates, num, den) as Omit<NonNullable<PriceCard['longContext']>, 'promptTokens'>) };
  }
  return out;
}

/** Checks a card from the API: every rate a safe non-negative integer. Returns the problems. */
export function cardProblems(card: PriceCard, where: string): string[] {
  const problems: string[] = [];
  const check = (v: unknown, name: string) => {
    if (v !== undefined && !isMicros(v)) problems.push(`${where}.${name} must be a non-negative integer (micro-units)`);
  };
  for (const key of ['inputPer1M', 'outputPer1M', 'cachedInputPer1M', 'cacheWritePer1M', 'embeddingPer1M'] as const) check(card[key], key);
  for (const [k, v] of Object.entries(card.perImage ?? {})) check(v, `perImage['${k}']`);
  if (card.longContext) {
    check(card.longContext.promptTokens, 'longContext.promptTokens');
    for (const key of ['inputPer1M', 'outputPer1M', 'cachedInputPer1M', 'cacheWritePer1M'] as const) check(card.longContext[key], `longContext.${key}`);
  }
  return problems;
}
