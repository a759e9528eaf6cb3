import type { EmbedContentParameters, EmbedContentResponse } from '@google/genai';
import { errors, type EmbeddingRequest, type EmbeddingResponse } from '@switchyard/plugin-kit';

/** The SDK call for an OpenAI embeddings request (the SDK sends it as one batchEmbedContents). */
export function toEmbedParams(request: EmbeddingRequest, model: string): EmbedContentParameters {
  const inputs = textInputs(request.input);
  const params: EmbedContentParameters = { model, contents: inputs };
  if (request.dimensions !== undefined && request.dimensions !== null) {
    if (!Number.isInteger(request.dimensions) || request.dimensions < 1) {
      throw errors.invalidRequest('dimensions must be a positive integer.', 'dimensions');
    }
    params.config = { outputDimensionality: request.dimensions };
  }
  return params;
}

/** Gemini embeds text only; OpenAI's pre-tokenized inputs (arrays of token ids) have no meaning there. */
export function textInputs(input: EmbeddingRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'string')) return input as string[];
  if (Array.isArray(input) && input.length > 0) {
    throw errors.unsupported('Gemini embeds text only: input must be a string or an array of strings, not token ids.', 'input');
  }
  throw errors.invalidRequest('input must be a non-empty string or array of strings.', 'input');
}

/**
 * Gemini's embeddings as an OpenAI embeddings response. `encoding_format: base64` is OpenAI's
 * little-endian float32 bytes, base64-encoded.
 *
 * Usage: the Gemini API reports no token count for embeddings (and the SDK keeps none), so
 * prompt_tokens is an estimate of about four characters per token, enough for metering but not
 * an upstream count.
 */
export function toEmbeddingResponse(response: EmbedContentResponse, request: EmbeddingRequest, model: string): EmbeddingResponse {
  const inputs = textInputs(request.input);
  const embeddings = response.embeddings ?? [];
  if (embeddings.length !== inputs.length) {
    throw errors.internal(`gemini: asked for ${inputs.length} embeddings, received ${embeddings.length}.`);
  }
  const base64 = request.encoding_format === 'base64';
  const data = embeddings.map((embedding, index) => {
    const values = embedding.values ?? [];
    return { object: 'embedding' as const, index, embedding: base64 ? float32Base64(values) : values };
  });
  const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

export function float32Base64(values: number[]): string {
  const floats = Float32Array.from(values);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}
