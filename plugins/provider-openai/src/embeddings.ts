import type OpenAI from 'openai';
import type { EmbeddingRequest, EmbeddingResponse } from '@switchyard/plugin-kit';
import { toGatewayError, type ErrorContext } from './errors';

type EmbeddingParams = OpenAI.Embeddings.EmbeddingCreateParams;

/**
 * The encoding is always named explicitly: left out, the SDK would ask for base64 and decode it
 * itself, and servers that ignore the parameter (Ollama) would be decoded wrongly.
 */
export function embeddingsBody(request: EmbeddingRequest, model: string): Record<string, unknown> {
  // Object.assign, not a leading spread given a new key: Node 20 keeps those past young collections (docs/performance.md).
  return Object.assign({} as Record<string, unknown>, request, { model, encoding_format: request.encoding_format ?? 'float' });
}

export async function createEmbeddings(client: OpenAI, body: Record<string, unknown>, signal: AbortSignal, errors: ErrorContext): Promise<EmbeddingResponse> {
  let response: EmbeddingResponse;
  try {
    response = (await client.embeddings.create(body as unknown as EmbeddingParams, { signal })) as unknown as EmbeddingResponse;
  } catch (err) {
    throw toGatewayError(err, { ...errors, signal });
  }
  const wanted = body.encoding_format === 'base64' ? 'base64' : 'float';
  for (const item of response.data) item.embedding = encodeAs(item.embedding, wanted);
  return response;
}

/** Gives the caller the encoding it asked for, whatever the upstream chose to send. */
export function encodeAs(embedding: number[] | string, wanted: 'float' | 'base64'): number[] | string {
  if (wanted === 'base64' && Array.isArray(embedding)) return Buffer.from(Float32Array.from(embedding).buffer).toString('base64');
  if (wanted === 'float' && typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4)));
  }
  return embedding;
}
