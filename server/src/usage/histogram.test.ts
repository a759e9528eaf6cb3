import { describe, expect, it } from 'vitest';
import { binBounds, binOf, GAMMA, Histogram } from './histogram';

/** Nearest-rank quantile of exact values: the reference the histogram approximates. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe('Histogram', () => {
  it('puts each value in the bin whose bounds hold it', () => {
    for (const v of [0, 0.5, 1, 1.07, 1.08, 3, 250, 99_999.5, 3_600_000]) {
      const [lo, hi] = binBounds(binOf(v));
      expect(v).toBeGreaterThanOrEqual(lo * (1 - 1e-12));
      expect(v).toBeLessThan(hi * (1 + 1e-12));
    }
    expect(binOf(-5)).toBe(0);
    expect(binOf(Number.NaN)).toBe(0);
  });

  it('reads quantiles within half a bin of the exact ones', () => {
    // A skewed latency-like sample, deterministic.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 5000 }, () => Math.exp(3 + 1.5 * (rand() + rand() + rand() - 1.5)));
    const h = new Histogram();
    for (const v of values) h.add(v);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(h.quantile(q)! - exact) / exact).toBeLessThan(GAMMA - 1);
    }
  });

  it('merges the stored form exactly like the live one', () => {
    const a = new Histogram();
    const b = new Histogram();
    [1, 5, 5, 80, 1200].forEach((v) => a.add(v));
    [0.2, 5, 3000].forEach((v) => b.add(v));
    const merged = Histogram.decode(a.encode());
    merged.mergeEncoded(b.encode());
    const direct = a.clone();
    direct.merge(b);
    expect(merged.encode()).toBe(direct.encode());
    expect(merged.total).toBe(8);
    expect(JSON.parse(merged.encode()).filter((_: number, i: number) => i % 2 === 1).reduce((s: number, c: number) => s + c, 0)).toBe(8);
  });

  it('has no quantile when empty and the lone value when there is one', () => {
    expect(new Histogram().quantile(0.5)).toBeUndefined();
    const h = new Histogram();
    h.add(100);
    expect(Math.abs(h.quantile(0.99)! - 100) / 100).toBeLessThan(GAMMA - 1);
  });
});
