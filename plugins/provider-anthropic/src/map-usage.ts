import type { Usage } from '@switchyard/plugin-kit';

/** The token counts Anthropic reports, on a Message or across a stream's start and delta events. */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

const count = (n: number | null | undefined): number => (typeof n === 'number' && Number.isFinite(n) ? n : 0);

/**
 * Anthropic counts uncached input, cache reads and cache writes separately; OpenAI's
 * prompt_tokens is all of the prompt, with the cached part broken out. Cache writes are
 * reported too, because they are billed at a different rate.
 */
export function mapUsage(usage: AnthropicUsageLike): Usage {
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const prompt = count(usage.input_tokens) + cacheRead + cacheWrite;
  const completion = count(usage.output_tokens);
  const out: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') out.completion_tokens_details = { reasoning_tokens: thinking };
  return out;
}

/**
 * A stream reports usage twice: message_start carries the input side (and a provisional
 * output count), message_delta the cumulative totals. Later non-null values win.
 */
export function mergeUsage(base: AnthropicUsageLike, update: AnthropicUsageLike | null | undefined): AnthropicUsageLike {
  if (!update) return base;
  const merged: AnthropicUsageLike = { ...base };
  for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
    const value = update[key];
    if (typeof value === 'number') merged[key] = value;
  }
  if (update.output_tokens_details) merged.output_tokens_details = update.output_tokens_details;
  return merged;
}
