import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '@switchyard/plugin-kit';
import { isAnthropicModel, planInference, THINKING_BUDGETS } from './inference';

const base: ChatCompletionRequest = { model: 'alias', messages: [{ role: 'user', content: 'hi' }] };
const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

describe('planInference', () => {
  it('maps temperature, top_p, stop and max_tokens into inferenceConfig', () => {
    expect(planInference({ ...base, temperature: 0.2, top_p: 0.9, stop: 'END', max_tokens: 100 }, 'amazon.nova-pro-v1:0')).toEqual({
      inferenceConfig: { temperature: 0.2, topP: 0.9, stopSequences: ['END'], maxTokens: 100 },
      thinking: false,
    });
    expect(planInference({ ...base, stop: ['a', '', 'b'] }, 'm').inferenceConfig).toEqual({ stopSequences: ['a', 'b'] });
  });

  it('prefers max_completion_tokens over max_tokens, and sends nothing when nothing is set', () => {
    expect(planInference({ ...base, max_tokens: 10, max_completion_tokens: 20 }, 'm').inferenceConfig).toEqual({ maxTokens: 20 });
    expect(planInference(base, 'm')).toEqual({ thinking: false });
  });

  it('refuses n > 1 and logprobs with a clear 400', () => {
    expect(() => planInference({ ...base, n: 2 }, 'm')).toThrow(expect.objectContaining({ status: 400, param: 'n' }));
    expect(() => planInference({ ...base, logprobs: true }, 'm')).toThrow(expect.objectContaining({ status: 400, param: 'logprobs' }));
    expect(planInference({ ...base, n: 1 }, 'm').thinking).toBe(false);
  });

  it('maps reasoning_effort to an Anthropic thinking budget, leaving room for the answer', () => {
    const plan = planInference({ ...base, reasoning_effort: 'medium' }, CLAUDE);
    expect(plan.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: THINKING_BUDGETS.medium } });
    expect(plan.inferenceConfig?.maxTokens).toBeGreaterThan(THINKING_BUDGETS.medium);
    expect(plan.thinking).toBe(true);
  });

  it('keeps the thinking budget inside max_tokens, and refuses a max_tokens too small to think', () => {
    const plan = planInference({ ...base, reasoning_effort: 'high', max_tokens: 6000 }, CLAUDE);
    expect(plan.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 6000 - 1024 } });
    expect(plan.inferenceConfig?.maxTokens).toBe(6000);
    expect(() => planInference({ ...base, reasoning_effort: 'low', max_tokens: 1500 }, CLAUDE)).toThrow(expect.objectContaining({ status: 400, param: 'max_tokens' }));
  });

  it('does not send thinking to models that are not Anthropic', () => {
    expect(planInference({ ...base, reasoning_effort: 'high' }, 'amazon.nova-pro-v1:0')).toEqual({ thinking: false });
  });

  it('recognises Anthropic model ids, inference profiles and ARNs', () => {
    expect(isAnthropicModel('anthropic.claude-3-haiku-20240307-v1:0')).toBe(true);
    expect(isAnthropicModel(CLAUDE)).toBe(true);
    expect(isAnthropicModel('arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0')).toBe(true);
    expect(isAnthropicModel('meta.llama3-70b-instruct-v1:0')).toBe(false);
  });
});
