import { GRAIN_MS, type Grain } from '../rollup-row';

/** A piece of a time range served by one rollup table: [from, to), aligned to its grain. */
export interface Segment {
  grain: Grain;
  from: number;
  to: number;
}

const COARSE_TO_FINE: readonly Grain[] = ['day', 'hour', 'minute'];

const floorTo = (t: number, size: number) => t - (((t % size) + size) % size);
const ceilTo = (t: number, size: number) => floorTo(t + size - 1, size);

/**
 * Covers a minute-aligned range with as few rollup rows as possible: whole days from the day
 * table, the hours around them from the hour table, the minutes at the edges from the minute
 * table. `coarsest` caps the grain (a series by hour cannot read day rows).
 */
export function segmentsFor(from: number, to: number, coarsest: Grain = 'day'): Segment[] {
  return cover(from, to, COARSE_TO_FINE.slice(COARSE_TO_FINE.indexOf(coarsest)));
}

function cover(from: number, to: number, grains: readonly Grain[]): Segment[] {
  if (from >= to) return [];
  const [grain, ...finer] = grains;
  if (finer.length === 0) return [{ grain, from, to }];
  const size = GRAIN_MS[grain];
  const a = ceilTo(from, size);
  const b = floorTo(to, size);
  if (a >= b) return cover(from, to, finer);
  return [...cover(from, a, finer), { grain, from: a, to: b }, ...cover(b, to, finer)];
}

export { ceilTo, floorTo };
