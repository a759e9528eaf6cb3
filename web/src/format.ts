/** Number, money and time formatting shared by every screen. */

const nf = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export const fmtInt = (n: number | null | undefined) => (n === null || n === undefined ? '—' : nf.format(n));

/** 1234 -> 1.2k, 5_600_000 -> 5.6M. */
export function fmtCompact(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${nf1.format(n / 1e9)}B`;
  if (abs >= 1e6) return `${nf1.format(n / 1e6)}M`;
  if (abs >= 1e4) return `${nf1.format(n / 1e3)}k`;
  return nf1.format(n);
}

/** Micro-credits as credits: enough decimals for small per-request amounts, fewer for totals. */
export function fmtCredits(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return '—';
  const credits = micros / 1e6;
  const abs = Math.abs(credits);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 6 : abs < 1 ? 4 : 2;
  return credits.toLocaleString(undefined, { minimumFractionDigits: Math.min(2, digits), maximumFractionDigits: digits });
}

/** A decimal credits string ("1.5") to micro-credits; NaN when it is not a number. */
export function creditsToMicros(text: string): number {
  const t = text.trim();
  if (!/^-?\d+(\.\d{1,6})?$/.test(t)) return Number.NaN;
  return Math.round(Number(t) * 1e6);
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms >= 10_000) return `${nf1.format(ms / 1000)} s`;
  return `${nf.format(ms)} ms`;
}

export const fmtPercent = (ratio: number | null | undefined) => (ratio === null || ratio === undefined ? '—' : `${nf1.format(ratio * 100)}%`);

export function fmtTime(epochMs: number | null | undefined): string {
  if (!epochMs) return '—';
  return new Date(epochMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function fmtClock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "3 min ago", "in 2 days". */
export function fmtRelative(epochMs: number | null | undefined, now = Date.now()): string {
  if (!epochMs) return 'never';
  const diff = epochMs - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
