import { createHash } from 'node:crypto';
import { countWords } from './converse-reply';

/**
 * InvokeModel for the model families the gateway uses it for (embeddings and image generation),
 * each with its own native request and response body, as Bedrock passes them through.
 */

export type InvokeResult =
  | { ok: true; body: Record<string, unknown>; inputTokens?: number }
  | { ok: false; message: string };

// A valid 1x1 PNG: enough for clients to decode what they receive.
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const COHERE_INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering'];

export function invokeModel(modelId: string, body: unknown): InvokeResult {
  if (typeof body !== 'object' || body === null) return malformed('#: expected type: JSONObject, found: String');
  const req = body as Record<string, any>;
  const base = modelId.replace(/^(us|eu|apac|global|us-gov)\./, '');
  if (base.startsWith('amazon.titan-embed')) return titanEmbed(base, req);
  if (base.startsWith('cohere.embed')) return cohereEmbed(base, req);
  if (base.startsWith('amazon.titan-image-generator') || base.startsWith('amazon.nova-canvas')) return titanImage(base, req);
  if (base.startsWith('stability.stable-diffusion-xl')) return stabilityXl(req);
  if (base.startsWith('stability.')) return stabilityImage(req);
  return { ok: false, message: 'The provided model identifier is invalid.' };
}

function malformed(detail: string): InvokeResult {
  return { ok: false, message: `Malformed input request: ${detail}, please reformat your input and try again.` };
}

function titanEmbed(model: string, req: Record<string, any>): InvokeResult {
  if (typeof req.inputText !== 'string') return malformed('#: required key [inputText] not found');
  const isV2 = model.includes('-v2');
  const allowed = isV2 ? ['inputText', 'dimensions', 'normalize', 'embeddingTypes'] : ['inputText'];
  const extra = Object.keys(req).find((k) => !allowed.includes(k));
  if (extra) return malformed(`#: extraneous key [${extra}] is not permitted`);
  if (isV2 && req.dimensions !== undefined && ![256, 512, 1024].includes(req.dimensions)) return malformed(`#/dimensions: ${req.dimensions} is not a valid enum value`);
  const dims = isV2 ? (req.dimensions ?? 1024) : 1536;
  const embedding = vectorFor(req.inputText, dims);
  const tokens = countWords(req.inputText);
  const out: Record<string, unknown> = { embedding, inputTextTokenCount: tokens };
  if (isV2) out.embeddingsByType = { float: embedding };
  return { ok: true, body: out, inputTokens: tokens };
}

function cohereEmbed(model: string, req: Record<string, any>): InvokeResult {
  if (!Array.isArray(req.texts) || req.texts.some((t: unknown) => typeof t !== 'string')) return malformed('#: required key [texts] not found');
  if (req.texts.length > 96) return malformed(`#/texts: expected maximum item count: 96, found: ${req.texts.length}`);
  if (!COHERE_INPUT_TYPES.includes(req.input_type)) return malformed('#/input_type: is not a valid enum value');
  const isV4 = model.includes('v4');
  if (!isV4 && req.output_dimension !== undefined) return malformed('#: extraneous key [output_dimension] is not permitted');
  const dims = isV4 ? (req.output_dimension ?? 1536) : 1024;
  const vectors = req.texts.map((t: string) => vectorFor(t, dims));
  const tokens = req.texts.reduce((n: number, t: string) => n + countWords(t), 0);
  const id = createHash('sha1').update(req.texts.join('\n')).digest('hex');
  if (Array.isArray(req.embedding_types)) {
    return { ok: true, body: { id, texts: req.texts, embeddings: { float: vectors }, response_type: 'embeddings_by_type' }, inputTokens: tokens };
  }
  return { ok: true, body: { id, texts: req.texts, embeddings: vectors, response_type: 'embeddings_floats' }, inputTokens: tokens };
}

function titanImage(model: string, req: Record<string, any>): InvokeResult {
  if (req.taskType !== 'TEXT_IMAGE') return malformed('#/taskType: only TEXT_IMAGE is emulated');
  const text = req.textToImageParams?.text;
  const maxLength = model.startsWith('amazon.nova-canvas') ? 1024 : 512;
  if (typeof text !== 'string' || text.length === 0) return malformed('#/textToImageParams: required key [text] not found');
  if (text.length > maxLength) return malformed(`#/textToImageParams/text: expected maxLength: ${maxLength}, actual: ${text.length}`);
  const count = req.imageGenerationConfig?.numberOfImages ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 5) return malformed(`#/imageGenerationConfig/numberOfImages: ${count} is not less or equal to 5`);
  return { ok: true, body: { images: Array.from({ length: count }, () => TINY_PNG_BASE64), error: null } };
}

function stabilityImage(req: Record<string, any>): InvokeResult {
  if (typeof req.prompt !== 'string' || req.prompt.length === 0) return malformed('#: required key [prompt] not found');
  return { ok: true, body: { seeds: [seedFor(req.prompt)], finish_reasons: [null], images: [TINY_PNG_BASE64] } };
}

function stabilityXl(req: Record<string, any>): InvokeResult {
  if (!Array.isArray(req.text_prompts) || req.text_prompts.length === 0) return malformed('#: required key [text_prompts] not found');
  const count = req.samples ?? 1;
  return {
    ok: true,
    body: { result: 'success', artifacts: Array.from({ length: count }, (_, i) => ({ seed: seedFor(String(req.text_prompts[0]?.text)) + i, base64: TINY_PNG_BASE64, finishReason: 'SUCCESS' })) },
  };
}

/** A deterministic unit vector derived from the text, so equal inputs embed equally. */
export function vectorFor(text: string, dims: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  while (out.length < dims) {
    for (let i = 0; i + 1 < block.length && out.length < dims; i += 2) out.push(block.readInt16BE(i) / 32768);
    block = createHash('sha256').update(block).digest();
  }
  const norm = Math.sqrt(out.reduce((s, v) => s + v * v, 0)) || 1;
  return out.map((v) => v / norm);
}

function seedFor(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
