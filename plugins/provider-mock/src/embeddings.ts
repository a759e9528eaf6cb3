import { createHash } from 'node:crypto';
import type { EmbeddingRequest, EmbeddingResponse } from '@switchyard/plugin-kit';
import { countTokens } from './tokens';

const DEFAULT_DIMENSIONS = 16;

/** A unit vector derived from the text's hash: the same text always embeds the same way. */
export function embedText(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 4 <= digest.length && values.length < dimensions; i += 4) values.push(digest.readInt32LE(i) / 2 ** 31);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((v) => v / norm);
}

function inputs(input: EmbeddingRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (input.length === 0) return [];
  if (typeof input[0] === 'string') return input as string[];
  // Token arrays: embed their textual form.
  if (typeof input[0] === 'number') return [JSON.stringify(input)];
  return (input as number[][]).map((t) => JSON.stringify(t));
}

export function embed(request: EmbeddingRequest, model: string): EmbeddingResponse {
  const dims = request.dimensions ?? DEFAULT_DIMENSIONS;
  const texts = inputs(request.input);
  const tokens = texts.reduce((n, t) => n + countTokens(t), 0);
  return {
    object: 'list',
    model,
    data: texts.map((t, index) => {
      const vector = embedText(t, dims);
      return {
        object: 'embedding',
        index,
        embedding: request.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      };
    }),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
