import { describe, expect, it } from 'vitest';
import { median, medianOfRuns, type LoadResult } from './load';

const run = (rps: number, p50: number, p99: number, ttftP50?: number): LoadResult => ({ requests: rps * 2, errors: 0, seconds: 2, rps, p50, p99, ...(ttftP50 === undefined ? {} : { ttftP50 }) });

describe('medianOfRuns', () => {
  it('takes each figure’s median over the rounds, and sums what was counted', () => {
    const out = medianOfRuns([run(3000, 0.5, 9, 0.4), run(1000, 0.9, 3, 0.8), run(2000, 0.7, 5, 0.6)]);
    expect(out).toEqual({ requests: 12_000, errors: 0, seconds: 6, rps: 2000, p50: 0.7, p99: 5, ttftP50: 0.6 });
  });

  it('averages the middle two of an even number of rounds, and leaves out a figure no round had', () => {
    const out = medianOfRuns([run(1000, 0.4, 2), run(3000, 0.6, 4)]);
    expect(out.rps).toBe(2000);
    expect(out.p50).toBeCloseTo(0.5);
    expect(out.p99).toBe(3);
    expect(out).not.toHaveProperty('ttftP50');
  });
});

describe('median', () => {
  it('is the middle value, the mean of the middle two, or undefined for none, whatever the order', () => {
    expect(median([0.42, 0.35, 0.38])).toBe(0.38);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
