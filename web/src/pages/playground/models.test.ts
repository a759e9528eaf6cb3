import { describe, expect, it } from 'vitest';
import { costOf, fmtCost } from './models';

describe('playground cost', () => {
  it('prices prompt and completion tokens per million', () => {
    const m = { id: 'x', kind: 'model' as const, pricing: { currency: 'credits' as const, input_per_1m: '2.5', output_per_1m: '10', max_output_tokens: 4096 } };
    expect(costOf(m, { prompt_tokens: 1000, completion_tokens: 500 })).toBeCloseTo(0.0075, 10);
    expect(fmtCost(0.0075)).toBe('0.0075');
  });

  it('says nothing without a price or without usage', () => {
    expect(costOf({ id: 'p', kind: 'pipeline' }, { prompt_tokens: 1, completion_tokens: 1 })).toBeUndefined();
    expect(costOf({ id: 'x', kind: 'model', pricing: null }, undefined)).toBeUndefined();
    expect(fmtCost(undefined)).toBe('—');
  });
});
