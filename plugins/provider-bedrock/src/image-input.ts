import type { ImageBlock } from '@aws-sdk/client-bedrock-runtime';
import { errors } from '@switchyard/plugin-kit';
import { parseDataUrl } from './data-url';
import { downloadImage, ImageDownloadError } from './image-download';
import { imageFormatFromMime, sniffImageFormat } from './image-format';
import { BEDROCK_IMAGE_MAX_BYTES } from './manifest';
import type { BedrockSettings } from './settings';

export type ImageResolver = (url: string, param: string) => Promise<ImageBlock>;

/**
 * Turns an OpenAI `image_url` into a Converse image block. Converse cannot fetch URLs, so
 * data: URLs are decoded and http(s) URLs are downloaded by the gateway (bounded in size
 * and time, private addresses refused unless the operator allows them), because rejecting
 * URLs would break most OpenAI clients, which send them by default.
 */
export function createImageResolver(settings: Pick<BedrockSettings, 'imageUrls' | 'imageUrlMaxBytes' | 'imageUrlTimeoutMs'>, signal: AbortSignal): ImageResolver {
  return async (url, param) => {
    if (url.startsWith('data:')) {
      const parsed = parseDataUrl(url);
      if (!parsed || parsed.bytes.length === 0) throw errors.invalidRequest('The image data URL is malformed; expected data:image/<type>;base64,<data>.', param, 'invalid_image_url');
      if (parsed.bytes.length > BEDROCK_IMAGE_MAX_BYTES) throw errors.invalidRequest(`The image is larger than Bedrock's ${BEDROCK_IMAGE_MAX_BYTES}-byte limit.`, param, 'image_too_large');
      return imageBlock(parsed.bytes, parsed.mimeType, param);
    }
    if (!/^https?:\/\//i.test(url)) throw errors.invalidRequest('Image URLs must be data: URLs or http(s) URLs.', param, 'invalid_image_url');
    if (settings.imageUrls === 'off') {
      throw errors.invalidRequest('This Bedrock provider does not download image URLs (Converse only accepts image bytes); send the image as a data: URL.', param, 'image_url_not_supported');
    }
    try {
      const downloaded = await downloadImage(url, {
        allowPrivate: settings.imageUrls === 'any',
        maxBytes: settings.imageUrlMaxBytes,
        timeoutMs: settings.imageUrlTimeoutMs,
        signal,
      });
      return imageBlock(downloaded.bytes, downloaded.contentType ?? '', param);
    } catch (err) {
      if (err instanceof ImageDownloadError) throw errors.invalidRequest(`Could not use the image URL: ${err.message}.`, param, 'invalid_image_url');
      throw err;
    }
  };
}

function imageBlock(bytes: Uint8Array, mimeType: string, param: string): ImageBlock {
  const format = sniffImageFormat(bytes) ?? imageFormatFromMime(mimeType);
  if (!format) throw errors.invalidRequest('Unsupported image format; Bedrock accepts png, jpeg, gif and webp.', param, 'invalid_image_format');
  return { format, source: { bytes } };
}
