import type { TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '@switchyard/plugin-kit';

/**
 * Bedrock usage -> OpenAI usage. Bedrock's `inputTokens` leaves out tokens read from or
 * written to the prompt cache; OpenAI's `prompt_tokens` counts every input token, with the
 * cached part repeated in the details.
 */
export function toOpenAIUsage(usage: Partial<TokenUsage> | undefined): Usage | undefined {
  if (!usage) return undefined;
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  const prompt = (usage.inputTokens ?? 0) + cacheRead + cacheWrite;
  const completion = usage.outputTokens ?? 0;
  const out: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
  if (cacheWrite > 0) out.prompt_tokens_details!.cache_write_tokens = cacheWrite;
  return out;
}
