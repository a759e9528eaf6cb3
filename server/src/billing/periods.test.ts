import { describe, expect, it } from 'vitest';
import { monthKey, windowKey } from './periods';

describe('periods', () => {
  const sat = Date.UTC(2026, 10, 28, 23, 59, 59); // Saturday 28 November 2026
  it('names the month, day and ISO week (Monday start) in UTC', () => {
    expect(monthKey(sat)).toBe('2026-11');
    expect(windowKey('day', sat)).toBe('day:2026-11-28');
    expect(windowKey('week', sat)).toBe('week:2026-11-23');
    expect(windowKey('month', sat)).toBe('month:2026-11');
  });
  it('puts a Monday in its own week and a Sunday in the week before', () => {
    expect(windowKey('week', Date.UTC(2026, 10, 23, 0, 0, 0))).toBe('week:2026-11-23');
    expect(windowKey('week', Date.UTC(2026, 10, 22, 12))).toBe('week:2026-11-16');
    expect(windowKey('week', Date.UTC(2027, 0, 1))).toBe('week:2026-12-28');
  });
});
