import { describe, expect, it } from 'vitest';
import { planTokens } from './convert-reasoning';
import { gatewayFailure } from '../test/gateway-error';

describe('planTokens', () => {
  it('uses max_completion_tokens, then max_tokens, then the default', () => {
    expect(planTokens({ max_completion_tokens: 300, max_tokens: 100 }, 4096)).toEqual({ maxTokens: 300 });
    expect(planTokens({ max_tokens: 100 }, 4096)).toEqual({ maxTokens: 100 });
    expect(planTokens({}, 4096)).toEqual({ maxTokens: 4096 });
  });

  it('turns reasoning_effort into a thinking budget added on top of the default limit', () => {
    expect(planTokens({ reasoning_effort: 'low' }, 4096)).toEqual({ maxTokens: 4096 + 2048, thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(planTokens({ reasoning_effort: 'high' }, 1000)).toEqual({ maxTokens: 1000 + 16384, thinking: { type: 'enabled', budget_tokens: 16384 } });
    expect(planTokens({ reasoning_effort: 'minimal' }, 10).thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
  });

  it('keeps an explicit limit and gives reasoning at most half of it, never below the minimum', () => {
    expect(planTokens({ reasoning_effort: 'medium', max_completion_tokens: 100_000 }, 4096)).toEqual({ maxTokens: 100_000, thinking: { type: 'enabled', budget_tokens: 8192 } });
    expect(planTokens({ reasoning_effort: 'high', max_tokens: 6000 }, 4096)).toEqual({ maxTokens: 6000, thinking: { type: 'enabled', budget_tokens: 3000 } });
    expect(planTokens({ reasoning_effort: 'high', max_tokens: 1500 }, 4096)).toEqual({ maxTokens: 1500, thinking: { type: 'enabled', budget_tokens: 1024 } });
  });

  it("treats a null effort or 'none' as no thinking", () => {
    expect(planTokens({ reasoning_effort: null }, 50)).toEqual({ maxTokens: 50 });
    expect(planTokens({ reasoning_effort: 'none' as never }, 50)).toEqual({ maxTokens: 50 });
  });

  it('refuses limits that leave no room for thinking, unknown efforts and bad limits', async () => {
    const tight = await gatewayFailure(() => planTokens({ reasoning_effort: 'low', max_completion_tokens: 1024 }, 4096));
    expect(tight.status).toBe(400);
    expect(tight.param).toBe('max_completion_tokens');
    expect((await gatewayFailure(() => planTokens({ reasoning_effort: 'extreme' as never }, 4096))).param).toBe('reasoning_effort');
    expect((await gatewayFailure(() => planTokens({ max_tokens: 0 }, 4096))).param).toBe('max_tokens');
    expect((await gatewayFailure(() => planTokens({ max_tokens: 2.5 }, 4096))).param).toBe('max_tokens');
  });
});
