import type { Usage } from '@switchyard/spec';
import type { AnthropicUsage } from './types';

/**
 * Canonical usage in Anthropic's terms. OpenAI's prompt_tokens is the whole prompt with cache
 * reads (and, from Anthropic-like upstreams, cache writes) broken out; Anthropic's input_tokens
 * is only the uncached, unwritten part, with the other two reported beside it.
 */
export function mapUsage(usage: Usage | null | undefined): AnthropicUsage {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  const prompt = usage?.prompt_tokens ?? 0;
  const out: AnthropicUsage = {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    cache_creation: null,
    server_tool_use: null,
    service_tier: null,
  };
  const thinking = usage?.completion_tokens_details?.reasoning_tokens;
  if (thinking) out.output_tokens_details = { thinking_tokens: thinking };
  return out;
}
