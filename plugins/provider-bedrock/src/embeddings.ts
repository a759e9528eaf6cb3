import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { errors } from '@switchyard/plugin-kit';
import type { Embedding, EmbeddingRequest, EmbeddingResponse } from '@switchyard/plugin-kit';
import { badUpstream, invokeJson, mapLimited } from './invoke';

/**
 * OpenAI embeddings on Bedrock's InvokeModel:
 * - Amazon Titan Text Embeddings (amazon.titan-embed-text-v1/v2): one input per call, so
 *   inputs are sent in parallel (bounded); v2 takes `dimensions` (256, 512, 1024);
 * - Cohere Embed (cohere.embed-*): up to 96 `texts` per call with an `input_type`
 *   (`search_document` unless the request says otherwise); v4 takes `output_dimension`.
 * Token arrays cannot be sent (Bedrock tokenizes itself) and are refused.
 */

const TITAN_V2_DIMENSIONS = [256, 512, 1024];
const COHERE_V4_DIMENSIONS = [256, 512, 1024, 1536];
const COHERE_INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering'];
const COHERE_BATCH = 96;
const TITAN_CONCURRENCY = 8;

export type EmbeddingFamily = 'titan-v1' | 'titan-v2' | 'cohere-v3' | 'cohere-v4';

export function embeddingFamily(modelId: string): EmbeddingFamily | undefined {
  const base = modelId.replace(/^(us|eu|apac|global|us-gov)\./, '');
  if (base.startsWith('amazon.titan-embed-text-v2')) return 'titan-v2';
  if (base.startsWith('amazon.titan-embed')) return 'titan-v1';
  if (base.startsWith('cohere.embed-v4')) return 'cohere-v4';
  if (base.startsWith('cohere.embed')) return 'cohere-v3';
  return undefined;
}

export interface EmbeddingCallContext {
  client: BedrockRuntimeClient;
  model: string;
  signal: AbortSignal;
}

export async function createEmbeddings(request: EmbeddingRequest, ctx: EmbeddingCallContext): Promise<EmbeddingResponse> {
  const family = embeddingFamily(ctx.model);
  if (!family) throw errors.invalidRequest(`The model '${ctx.model}' is not a Bedrock embedding model this provider supports (Amazon Titan or Cohere Embed).`, 'model', 'unsupported_model');
  const inputs = textInputs(request.input);
  const encoding = request.encoding_format ?? 'float';
  if (encoding !== 'float' && encoding !== 'base64') throw errors.invalidRequest("encoding_format must be 'float' or 'base64'.", 'encoding_format');

  const { vectors, tokens } = family.startsWith('titan') ? await titan(family, inputs, request.dimensions, ctx) : await cohere(family, inputs, request, ctx);
  const data: Embedding[] = vectors.map((vector, index) => ({ object: 'embedding', index, embedding: encoding === 'base64' ? toBase64Float32(vector) : vector }));
  return { object: 'list', data, model: ctx.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

function textInputs(input: EmbeddingRequest['input']): string[] {
  const list = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(list) || list.length === 0) throw errors.invalidRequest('input must be a non-empty string or array of strings.', 'input');
  if (list.some((item) => typeof item !== 'string')) throw errors.unsupported('Bedrock embedding models take text, not token arrays.', 'input');
  if ((list as string[]).some((item) => item === '')) throw errors.invalidRequest('input must not contain empty strings.', 'input');
  return list as string[];
}

async function titan(family: EmbeddingFamily, inputs: string[], dimensions: number | undefined, ctx: EmbeddingCallContext) {
  if (dimensions !== undefined) {
    if (family === 'titan-v1') throw errors.unsupported('This Titan embedding model has a fixed size (1536); dimensions is not supported.', 'dimensions');
    if (!TITAN_V2_DIMENSIONS.includes(dimensions)) throw errors.invalidRequest(`dimensions must be one of ${TITAN_V2_DIMENSIONS.join(', ')} for Titan Text Embeddings v2.`, 'dimensions');
  }
  const results = await mapLimited(inputs, TITAN_CONCURRENCY, async (inputText) => {
    const body: Record<string, unknown> = family === 'titan-v2' ? { inputText, ...(dimensions ? { dimensions } : {}), normalize: true } : { inputText };
    const { body: out, inputTokens } = await invokeJson(ctx.client, ctx.model, body, ctx.signal);
    const vector = out.embedding;
    if (!isVector(vector)) throw badUpstream('Titan returned no embedding.');
    const count = typeof out.inputTextTokenCount === 'number' ? out.inputTextTokenCount : (inputTokens ?? estimateTokens(inputText));
    return { vector, count };
  });
  return { vectors: results.map((r) => r.vector), tokens: results.reduce((n, r) => n + r.count, 0) };
}

async function cohere(family: EmbeddingFamily, inputs: string[], request: EmbeddingRequest, ctx: EmbeddingCallContext) {
  const inputType = (request as { input_type?: unknown }).input_type ?? 'search_document';
  if (typeof inputType !== 'string' || !COHERE_INPUT_TYPES.includes(inputType)) {
    throw errors.invalidRequest(`input_type must be one of ${COHERE_INPUT_TYPES.join(', ')}.`, 'input_type');
  }
  if (request.dimensions !== undefined) {
    if (family !== 'cohere-v4') throw errors.unsupported('This Cohere embedding model has a fixed size; dimensions is not supported.', 'dimensions');
    if (!COHERE_V4_DIMENSIONS.includes(request.dimensions)) throw errors.invalidRequest(`dimensions must be one of ${COHERE_V4_DIMENSIONS.join(', ')}.`, 'dimensions');
  }
  const batches: string[][] = [];
  for (let i = 0; i < inputs.length; i += COHERE_BATCH) batches.push(inputs.slice(i, i + COHERE_BATCH));
  const results = await mapLimited(batches, 4, async (texts) => {
    const body: Record<string, unknown> = { texts, input_type: inputType };
    if (family === 'cohere-v4') {
      body.embedding_types = ['float'];
      if (request.dimensions) body.output_dimension = request.dimensions;
    }
    const { body: out, inputTokens } = await invokeJson(ctx.client, ctx.model, body, ctx.signal);
    const vectors = cohereVectors(out.embeddings);
    if (!vectors || vectors.length !== texts.length) throw badUpstream('Cohere returned a different number of embeddings than inputs.');
    return { vectors, count: inputTokens ?? texts.reduce((n, t) => n + estimateTokens(t), 0) };
  });
  return { vectors: results.flatMap((r) => r.vectors), tokens: results.reduce((n, r) => n + r.count, 0) };
}

/** Cohere answers `embeddings: number[][]`, or `{float: number[][]}` when embedding types were asked for. */
function cohereVectors(value: unknown): number[][] | undefined {
  const list = Array.isArray(value) ? value : (value as { float?: unknown } | undefined)?.float;
  return Array.isArray(list) && list.every(isVector) ? (list as number[][]) : undefined;
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number');
}

/** Little-endian float32, base64: what OpenAI returns for encoding_format=base64. */
export function toBase64Float32(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer.toString('base64');
}

// Only when Bedrock reports no count at all: about four characters a token, so usage is never zero.
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
