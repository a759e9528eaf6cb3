import { errors, type ImageGenerationRequest, type ImageGenerationResponse } from '@switchyard/plugin-kit';

/**
 * Imagen through the Gemini API: POST /{version}/models/{model}:predict with
 * `{instances: [{prompt}], parameters: {sampleCount, aspectRatio, ...}}`, answered with
 * `{predictions: [{bytesBase64Encoded, mimeType} | {raiFilteredReason}]}`.
 *
 * The SDK (2.x) refuses generateImages on the Gemini API backend (it routes Imagen to Vertex AI
 * only), so this endpoint is called directly with the same base URL, version and key header.
 */

/** Aspect ratios Imagen accepts; an OpenAI size maps to the nearest one. */
const ASPECT_RATIOS: [string, number][] = [
  ['1:1', 1],
  ['3:4', 3 / 4],
  ['4:3', 4 / 3],
  ['9:16', 9 / 16],
  ['16:9', 16 / 9],
];

/** Imagen makes 1 to 4 images per request. */
const MAX_IMAGES = 4;

export interface PredictRequest {
  instances: { prompt: string }[];
  parameters: Record<string, unknown>;
}

export interface PredictResponse {
  predictions?: { bytesBase64Encoded?: string; mimeType?: string; raiFilteredReason?: string; prompt?: string }[];
}

export function toPredictRequest(request: ImageGenerationRequest): PredictRequest {
  if (typeof request.prompt !== 'string' || request.prompt.trim() === '') {
    throw errors.invalidRequest('prompt must be a non-empty string.', 'prompt');
  }
  const n = request.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > MAX_IMAGES) {
    throw errors.invalidRequest(`n must be an integer from 1 to ${MAX_IMAGES} for Imagen.`, 'n');
  }
  const parameters: Record<string, unknown> = { sampleCount: n };
  const aspectRatio = aspectRatioOf(request.size);
  if (aspectRatio) parameters.aspectRatio = aspectRatio;
  const mimeType = outputMimeType(request.output_format);
  if (mimeType) parameters.outputOptions = { mimeType };
  return { instances: [{ prompt: request.prompt }], parameters };
}

/** `WIDTHxHEIGHT` to the closest Imagen aspect ratio; `auto` or no size lets Imagen choose (1:1). */
export function aspectRatioOf(size: string | null | undefined): string | undefined {
  if (!size || size === 'auto') return undefined;
  const match = /^(\d+)x(\d+)$/.exec(size);
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) {
    throw errors.invalidRequest(`size '${size}' must look like 1024x1024.`, 'size');
  }
  const ratio = Number(match[1]) / Number(match[2]);
  let best = ASPECT_RATIOS[0];
  for (const candidate of ASPECT_RATIOS) {
    if (Math.abs(Math.log(candidate[1] / ratio)) < Math.abs(Math.log(best[1] / ratio))) best = candidate;
  }
  return best[0];
}

function outputMimeType(format: string | null | undefined): string | undefined {
  if (!format) return undefined;
  if (format === 'png') return 'image/png';
  if (format === 'jpeg' || format === 'jpg') return 'image/jpeg';
  throw errors.unsupported(`output_format '${format}' is not supported by Imagen (png or jpeg).`, 'output_format');
}

/**
 * Predictions to OpenAI's images response. Imagen returns bytes, never a hosted link; when the
 * caller asks for `response_format: url` the image is returned as a `data:` URL, which is a
 * real URL (browsers and most image libraries open it) holding the same bytes, rather than a
 * link the gateway would have to host. Images removed by Imagen's safety filter are left out;
 * if all were, the request fails as OpenAI's content policy refusals do.
 */
export function toImagesResponse(response: PredictResponse, request: ImageGenerationRequest, created = Math.floor(Date.now() / 1000)): ImageGenerationResponse {
  const predictions = response.predictions ?? [];
  const images = predictions.filter((p) => typeof p.bytesBase64Encoded === 'string' && p.bytesBase64Encoded !== '');
  if (images.length === 0) {
    const reason = predictions.find((p) => p.raiFilteredReason)?.raiFilteredReason;
    throw errors.invalidRequest(
      reason ? `gemini: Imagen filtered every image (${reason}).` : 'gemini: Imagen returned no image for this prompt.',
      'prompt',
      'content_policy_violation',
    );
  }
  const asUrl = request.response_format === 'url';
  const data = images.map((p) => {
    const b64 = p.bytesBase64Encoded!;
    return asUrl ? { url: `data:${p.mimeType ?? 'image/png'};base64,${b64}` } : { b64_json: b64 };
  });
  return { created, data };
}
