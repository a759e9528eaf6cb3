import { describe, expect, it } from 'vitest';
import { GRAIN_MS } from '../rollup-row';
import { segmentsFor } from './segments';

const M = 60_000;
const H = 3_600_000;
const D = 86_400_000;
const T0 = Date.UTC(2025, 0, 10); // a UTC midnight

describe('segmentsFor', () => {
  it('uses whole days, then hours, then minutes at the edges', () => {
    const from = T0 - 2 * H - 5 * M;
    const to = T0 + 3 * D + H + 7 * M;
    const segs = segmentsFor(from, to);
    expect(segs).toEqual([
      { grain: 'minute', from, to: T0 - 2 * H },
      { grain: 'hour', from: T0 - 2 * H, to: T0 },
      { grain: 'day', from: T0, to: T0 + 3 * D },
      { grain: 'hour', from: T0 + 3 * D, to: T0 + 3 * D + H },
      { grain: 'minute', from: T0 + 3 * D + H, to },
    ]);
  });

  it('tiles any minute-aligned range exactly, each piece aligned to its grain', () => {
    for (const [a, b] of [[T0 + 17 * M, T0 + 17 * M + M], [T0 - 3 * M, T0 + 90 * M], [T0 + 5 * M, T0 + 40 * D + 13 * M], [T0, T0 + D]]) {
      for (const coarsest of ['day', 'hour', 'minute'] as const) {
        const segs = segmentsFor(a, b, coarsest);
        expect(segs[0].from).toBe(a);
        expect(segs[segs.length - 1].to).toBe(b);
        segs.forEach((s, i) => {
          if (i > 0) expect(s.from).toBe(segs[i - 1].to);
          expect(s.from % GRAIN_MS[s.grain]).toBe(0);
          expect(s.to % GRAIN_MS[s.grain]).toBe(0);
          expect(GRAIN_MS[s.grain]).toBeLessThanOrEqual(GRAIN_MS[coarsest]);
        });
      }
    }
  });

  it('is empty for an empty range', () => {
    expect(segmentsFor(T0, T0)).toEqual([]);
  });
});
