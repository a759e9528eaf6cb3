import type { ChatCompletionRequest, ContentPart, EmbeddingRequest, ImageGenerationRequest, RequestBody, RequestKind } from '@switchyard/spec';

/*
 * Rough request sizes for limits and estimates, without a tokenizer: about four characters a
 * token for English text. Precise counts come from the upstream's usage afterwards.
 */

const CHARS_PER_TOKEN = 4;
const TOKENS_PER_MESSAGE = 4;

function textOf(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content as ContentPart[]) if (part && part.type === 'text' && typeof part.text === 'string') n += part.text.length;
  return n;
}

/** Characters of prompt text in a request. */
export function promptChars(kind: RequestKind, body: RequestBody): number {
  if (kind === 'chat') {
    let n = 0;
    for (const m of (body as ChatCompletionRequest).messages ?? []) n += textOf(m.content);
    return n;
  }
  if (kind === 'embeddings') {
    const input = (body as EmbeddingRequest).input;
    if (typeof input === 'string') return input.length;
    if (Array.isArray(input)) {
      let n = 0;
      for (const item of input) n += typeof item === 'string' ? item.length : Array.isArray(item) ? item.length * CHARS_PER_TOKEN : CHARS_PER_TOKEN;
      return n;
    }
    return 0;
  }
  return ((body as ImageGenerationRequest).prompt ?? '').length;
}

export function estimatePromptTokens(kind: RequestKind, body: RequestBody): number {
  const overhead = kind === 'chat' ? TOKENS_PER_MESSAGE * ((body as ChatCompletionRequest).messages?.length ?? 0) : 0;
  return Math.ceil(promptChars(kind, body) / CHARS_PER_TOKEN) + overhead;
}

/** The output cap the request sets, if any. */
export function maxOutputTokens(kind: RequestKind, body: RequestBody): number | undefined {
  if (kind !== 'chat') return undefined;
  const b = body as ChatCompletionRequest;
  const v = b.max_completion_tokens ?? b.max_tokens;
  return typeof v === 'number' && v > 0 ? v : undefined;
}
