import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError, errors } from '@switchyard/plugin-kit';
import type { ImageGenerationRequest, ImageGenerationResponse } from '@switchyard/plugin-kit';
import { badUpstream, invokeJson, mapLimited } from './invoke';

/**
 * OpenAI image generation on Bedrock's InvokeModel (text to image only):
 * - Amazon Titan Image Generator and Nova Canvas: taskType TEXT_IMAGE, up to 5 images a call;
 * - Stability SDXL (stability.stable-diffusion-xl-*): text_prompts, `samples` images a call;
 * - other Stability models (SD3, Stable Image Core/Ultra): one image per call, `aspect_ratio`.
 * Bedrock returns image bytes only, never a hosted URL, so the answer is always `b64_json`;
 * asking for `response_format: "url"` is refused rather than answered with something else.
 */

export type ImageFamily = 'amazon' | 'stability-xl' | 'stability';

export function imageFamily(modelId: string): ImageFamily | undefined {
  const base = modelId.replace(/^(us|eu|apac|global|us-gov)\./, '');
  if (base.startsWith('amazon.titan-image-generator') || base.startsWith('amazon.nova-canvas')) return 'amazon';
  if (base.startsWith('stability.stable-diffusion-xl')) return 'stability-xl';
  if (base.startsWith('stability.')) return 'stability';
  return undefined;
}

export interface ImageCallContext {
  client: BedrockRuntimeClient;
  model: string;
  signal: AbortSignal;
}

const MAX_IMAGES = 5;
const STABILITY_RATIOS = ['21:9', '16:9', '3:2', '5:4', '1:1', '4:5', '2:3', '9:16', '9:21'];

export async function generateImages(request: ImageGenerationRequest, ctx: ImageCallContext): Promise<ImageGenerationResponse> {
  const family = imageFamily(ctx.model);
  if (!family) throw errors.invalidRequest(`The model '${ctx.model}' is not a Bedrock image model this provider supports (Titan Image, Nova Canvas, Stability).`, 'model', 'unsupported_model');
  if (typeof request.prompt !== 'string' || request.prompt.trim() === '') throw errors.invalidRequest('prompt must be a non-empty string.', 'prompt');
  if (request.response_format === 'url') {
    throw errors.unsupported('Bedrock returns image data only, not hosted URLs; use response_format "b64_json".', 'response_format');
  }
  const n = request.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_IMAGES) throw errors.invalidRequest(`n must be between 1 and ${MAX_IMAGES} on Bedrock.`, 'n');
  const size = parseSize(request.size);

  let images: string[];
  if (family === 'amazon') images = await amazonImages(request, n, size, ctx);
  else if (family === 'stability-xl') images = await stabilityXlImages(request, n, size, ctx);
  else images = await stabilityImages(request, n, size, ctx);
  return { created: Math.floor(Date.now() / 1000), data: images.map((b64_json) => ({ b64_json })) };
}

function parseSize(size: string | null | undefined): { width: number; height: number } {
  if (!size || size === 'auto') return { width: 1024, height: 1024 };
  const match = /^(\d{2,5})x(\d{2,5})$/.exec(size);
  if (!match) throw errors.invalidRequest("size must look like '1024x1024'.", 'size');
  return { width: Number(match[1]), height: Number(match[2]) };
}

async function amazonImages(request: ImageGenerationRequest, n: number, size: { width: number; height: number }, ctx: ImageCallContext): Promise<string[]> {
  const quality = request.quality === 'hd' || request.quality === 'high' ? 'premium' : 'standard';
  const { body } = await invokeJson(
    ctx.client,
    ctx.model,
    {
      taskType: 'TEXT_IMAGE',
      textToImageParams: { text: request.prompt },
      imageGenerationConfig: { numberOfImages: n, width: size.width, height: size.height, quality },
    },
    ctx.signal,
  );
  if (typeof body.error === 'string' && body.error) throw contentFiltered(body.error);
  return base64List(body.images);
}

async function stabilityXlImages(request: ImageGenerationRequest, n: number, size: { width: number; height: number }, ctx: ImageCallContext): Promise<string[]> {
  const { body } = await invokeJson(ctx.client, ctx.model, { text_prompts: [{ text: request.prompt }], width: size.width, height: size.height, samples: n }, ctx.signal);
  const artifacts = Array.isArray(body.artifacts) ? (body.artifacts as { base64?: string; finishReason?: string }[]) : [];
  if (artifacts.some((a) => a.finishReason === 'CONTENT_FILTERED')) throw contentFiltered('The image was filtered by the model.');
  return base64List(artifacts.map((a) => a.base64));
}

async function stabilityImages(request: ImageGenerationRequest, n: number, size: { width: number; height: number }, ctx: ImageCallContext): Promise<string[]> {
  const outputFormat = request.output_format === 'jpeg' || request.output_format === 'webp' ? request.output_format : 'png';
  const body = { prompt: request.prompt, mode: 'text-to-image', aspect_ratio: nearestRatio(size), output_format: outputFormat };
  // These models make one image per call.
  const results = await mapLimited(Array.from({ length: n }), n, async () => (await invokeJson(ctx.client, ctx.model, body, ctx.signal)).body);
  const images: string[] = [];
  for (const result of results) {
    const reasons = Array.isArray(result.finish_reasons) ? result.finish_reasons : [];
    const filtered = reasons.find((r) => typeof r === 'string' && r.length > 0);
    if (filtered) throw contentFiltered(String(filtered));
    images.push(...base64List(result.images));
  }
  return images;
}

function nearestRatio(size: { width: number; height: number }): string {
  const target = size.width / size.height;
  let best = '1:1';
  let bestDistance = Infinity;
  for (const ratio of STABILITY_RATIOS) {
    const [w, h] = ratio.split(':').map(Number);
    const distance = Math.abs(Math.log(w / h / target));
    if (distance < bestDistance) {
      best = ratio;
      bestDistance = distance;
    }
  }
  return best;
}

function base64List(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v === '')) throw badUpstream('the image model returned no images.');
  return value as string[];
}

function contentFiltered(reason: string): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', code: 'content_filter', message: `bedrock: the image request was blocked: ${reason}`, retryable: false });
}
