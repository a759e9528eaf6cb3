import type { BillableUsage, ImageGenerationRequest, Usage } from '@switchyard/spec';
import type { AttemptRecord, AttemptStart } from '../dispatch/hooks';
import { tokenizerFor } from './tokens/encoders';
import { measureRequest } from './tokens/measure-request';

export interface AttemptUsage {
  input: BillableUsage;
  /** True when the tokens were counted here (no usage from the upstream). */
  countedLocally: boolean;
}

/**
 * What an attempt is billed for:
 * - the upstream's own usage whenever it reported one (complete streams, JSON answers, and
 *   streams that failed after the usage chunk);
 * - otherwise, when text reached the client (a cut stream, an upstream that reports no usage),
 *   the prompt and the delivered text counted with the model's tokenizer;
 * - images by count, with the requested size and quality;
 * - nothing (undefined) for an attempt that failed before delivering anything: its hold is released.
 */
export async function attemptUsage(start: AttemptStart, outcome: AttemptRecord, promptTokens: number | undefined): Promise<AttemptUsage | undefined> {
  const ok = outcome.status === 200;
  const images = start.endpoint === 'images' && ok ? imagesOf(start.request as ImageGenerationRequest, outcome.images) : undefined;
  if (outcome.usage) return { input: { usage: outcome.usage, ...(images ? { images } : {}) }, countedLocally: false };
  if (images) return { input: { usage: zeroUsage(), images }, countedLocally: false };
  const delivered = outcome.deliveredText ?? '';
  if (!ok && delivered.length === 0) return undefined;
  const tok = await tokenizerFor(start.upstreamModel);
  const prompt = promptTokens ?? measureRequest(start.endpoint, start.request, tok, 0).promptTokens;
  const completion = delivered ? tok.total(tok.count(delivered)) : 0;
  return { input: { usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }, countedLocally: true };
}

function imagesOf(request: ImageGenerationRequest, count: number | undefined): NonNullable<BillableUsage['images']> {
  return { count: count ?? Math.max(1, request.n ?? 1), size: request.size ?? undefined, quality: request.quality ?? undefined };
}

function zeroUsage(): Usage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
}

export function tokensOf(u: Usage): number {
  return (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0);
}
