import type OpenAI from 'openai';
import type { ImageGenerationRequest, ImageGenerationResponse } from '@switchyard/plugin-kit';
import { toGatewayError, type ErrorContext } from './errors';

type ImageParams = OpenAI.Images.ImageGenerateParamsNonStreaming;

export function imagesBody(request: ImageGenerationRequest, model: string): Record<string, unknown> {
  return { ...request, model };
}

export async function generateImages(client: OpenAI, body: Record<string, unknown>, signal: AbortSignal, errors: ErrorContext): Promise<ImageGenerationResponse> {
  try {
    return (await client.images.generate(body as unknown as ImageParams, { signal })) as unknown as ImageGenerationResponse;
  } catch (err) {
    throw toGatewayError(err, { ...errors, signal });
  }
}
