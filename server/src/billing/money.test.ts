import { describe, expect, it } from 'vitest';
import { cardProblems, decimalToMicros, microsToDecimal, scaleCard } from './money';

describe('money', () => {
  it('converts decimal strings to micro-units exactly', () => {
    expect(decimalToMicros('2.5')).toBe(2_500_000);
    expect(decimalToMicros('0.00875')).toBe(8_750);
    expect(decimalToMicros('0.1')).toBe(100_000); // 0.1 is not exact as a float; here it is
    expect(decimalToMicros('-3')).toBe(-3_000_000);
    expect(decimalToMicros('1.000000')).toBe(1_000_000);
    expect(() => decimalToMicros('0.0000001')).toThrow(/six decimals/);
    expect(() => decimalToMicros('1e3')).toThrow();
    expect(() => decimalToMicros('abc')).toThrow();
  });
  it('prints micro-units as decimals', () => {
    expect(microsToDecimal(2_500_000)).toBe('2.5');
    expect(microsToDecimal(8_750)).toBe('0.00875');
    expect(microsToDecimal(-1)).toBe('-0.000001');
    expect(microsToDecimal(0)).toBe('0');
  });
  it('scales a card rounding up, keeping thresholds', () => {
    expect(scaleCard({ inputPer1M: 3, perImage: { '*': 10 }, longContext: { promptTokens: 200_000, inputPer1M: 5 } }, 3n, 2n)).toEqual({
      inputPer1M: 5,
      perImage: { '*': 15 },
      longContext: { promptTokens: 200_000, inputPer1M: 8 },
    });
  });
  it('finds non-integer or negative rates', () => {
    expect(cardProblems({ inputPer1M: 1.5, perImage: { x: -1 } }, 'cost')).toHaveLength(2);
    expect(cardProblems({ inputPer1M: 1 }, 'cost')).toEqual([]);
  });
});
