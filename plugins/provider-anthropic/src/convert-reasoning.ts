import { errors, type ChatCompletionRequest } from '@switchyard/plugin-kit';
import type { ThinkingConfigEnabled } from '@anthropic-ai/sdk/resources/messages';

/** Anthropic's smallest allowed thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/** Thinking budget per OpenAI reasoning_effort level. */
export const THINKING_BUDGET: Record<string, number> = {
  minimal: MIN_THINKING_BUDGET,
  low: 2048,
  medium: 8192,
  high: 16384,
};

export interface TokenPlan {
  maxTokens: number;
  thinking?: ThinkingConfigEnabled;
}

/**
 * max_tokens and the thinking budget together. OpenAI's max_completion_tokens counts
 * reasoning tokens too, as Anthropic's max_tokens counts thinking, so an explicit limit is
 * kept as is and reasoning may use up to half of it (at least Anthropic's minimum budget,
 * always less than the limit). Without an explicit limit the budget is added on top of the
 * default, so turning reasoning on does not shrink the answer.
 */
export function planTokens(request: Pick<ChatCompletionRequest, 'max_tokens' | 'max_completion_tokens' | 'reasoning_effort'>, defaultMaxTokens: number): TokenPlan {
  const explicitParam = request.max_completion_tokens != null ? 'max_completion_tokens' : request.max_tokens != null ? 'max_tokens' : undefined;
  const explicit = explicitParam ? (request[explicitParam] as number) : undefined;
  if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 1)) {
    throw errors.invalidRequest(`${explicitParam} must be a positive integer.`, explicitParam ?? null);
  }

  const effort = request.reasoning_effort as string | null | undefined;
  if (effort == null || effort === 'none') return { maxTokens: explicit ?? defaultMaxTokens };
  const budget = THINKING_BUDGET[effort];
  if (budget === undefined) {
    throw errors.invalidRequest(`reasoning_effort must be one of ${Object.keys(THINKING_BUDGET).join(', ')}.`, 'reasoning_effort');
  }
  if (explicit === undefined) return { maxTokens: defaultMaxTokens + budget, thinking: { type: 'enabled', budget_tokens: budget } };
  if (explicit <= MIN_THINKING_BUDGET) {
    throw errors.invalidRequest(
      `With reasoning_effort, ${explicitParam} must be more than ${MIN_THINKING_BUDGET} on Anthropic (its smallest thinking budget).`,
      explicitParam ?? null,
    );
  }
  return { maxTokens: explicit, thinking: { type: 'enabled', budget_tokens: Math.min(budget, Math.max(MIN_THINKING_BUDGET, Math.floor(explicit / 2))) } };
}
