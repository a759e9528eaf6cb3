import type { GenerateContentResponseUsageMetadata } from '@google/genai';
import type { Usage } from '@switchyard/plugin-kit';

/**
 * Gemini's usageMetadata to OpenAI usage. Gemini counts thinking apart from the answer
 * (candidatesTokenCount excludes thoughtsTokenCount), while OpenAI's completion_tokens include
 * reasoning tokens; tokens of tool-use prompts (e.g. search results) are prompt tokens.
 * cachedContentTokenCount is part of promptTokenCount, as cached_tokens is of prompt_tokens.
 */
export function mapUsage(meta: GenerateContentResponseUsageMetadata): Usage {
  const prompt = (meta.promptTokenCount ?? 0) + (meta.toolUsePromptTokenCount ?? 0);
  const reasoning = meta.thoughtsTokenCount ?? 0;
  const completion = (meta.candidatesTokenCount ?? 0) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: meta.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}
