import type { InferenceConfiguration } from '@aws-sdk/client-bedrock-runtime';
import { errors } from '@switchyard/plugin-kit';
import type { ChatCompletionRequest } from '@switchyard/plugin-kit';

/**
 * Sampling parameters -> Converse inferenceConfig, and reasoning_effort -> an extended
 * thinking budget for Anthropic models. Parameters Bedrock cannot honour are refused when
 * ignoring them would change what the caller gets back (n > 1, logprobs); penalties, seed
 * and logit_bias have no Converse equivalent and are dropped, as they only tune sampling.
 */

export interface InferencePlan {
  inferenceConfig?: InferenceConfiguration;
  additionalModelRequestFields?: Record<string, unknown>;
  thinking: boolean;
}

/** Thinking budgets (tokens) per OpenAI effort level; Anthropic's minimum budget is 1024. */
export const THINKING_BUDGETS: Record<NonNullable<ChatCompletionRequest['reasoning_effort']>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
};
const MIN_THINKING_BUDGET = 1024;
/** Room left for the visible answer when the caller sets no max_tokens. */
const ANSWER_ALLOWANCE = 4096;

export function isAnthropicModel(modelId: string): boolean {
  return /(^|[.:/])anthropic\.claude/.test(modelId);
}

export function planInference(request: ChatCompletionRequest, modelId: string): InferencePlan {
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw errors.unsupported('Bedrock returns one choice per request; n must be 1.', 'n');
  }
  if (request.logprobs) throw errors.unsupported('Bedrock Converse does not return log probabilities.', 'logprobs');

  const config: InferenceConfiguration = {};
  let maxTokens = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  if (maxTokens !== undefined && (!Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw errors.invalidRequest('max_tokens must be a positive integer.', request.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens');
  }
  if (typeof request.temperature === 'number') config.temperature = request.temperature;
  if (typeof request.top_p === 'number') config.topP = request.top_p;
  const stop = typeof request.stop === 'string' ? [request.stop] : Array.isArray(request.stop) ? request.stop : [];
  const stopSequences = stop.filter((s) => typeof s === 'string' && s.length > 0);
  if (stopSequences.length > 0) config.stopSequences = stopSequences;

  let additionalModelRequestFields: Record<string, unknown> | undefined;
  const effort = request.reasoning_effort;
  const thinking = Boolean(effort) && isAnthropicModel(modelId);
  if (thinking) {
    let budget = THINKING_BUDGETS[effort!];
    if (budget === undefined) throw errors.invalidRequest(`Unsupported reasoning_effort '${String(effort)}'.`, 'reasoning_effort');
    if (maxTokens === undefined) {
      maxTokens = budget + ANSWER_ALLOWANCE;
    } else {
      // OpenAI counts reasoning inside max_tokens; Anthropic needs the budget below max_tokens.
      budget = Math.min(budget, maxTokens - MIN_THINKING_BUDGET);
      if (budget < MIN_THINKING_BUDGET) {
        throw errors.invalidRequest(`With reasoning_effort on this model, max_tokens must be at least ${2 * MIN_THINKING_BUDGET}.`, 'max_tokens');
      }
    }
    additionalModelRequestFields = { thinking: { type: 'enabled', budget_tokens: budget } };
  }
  if (maxTokens !== undefined) config.maxTokens = maxTokens;

  return {
    ...(Object.keys(config).length > 0 ? { inferenceConfig: config } : {}),
    ...(additionalModelRequestFields ? { additionalModelRequestFields } : {}),
    thinking,
  };
}
