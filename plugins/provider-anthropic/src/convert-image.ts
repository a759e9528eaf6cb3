import { errors } from '@switchyard/plugin-kit';
import type { DocumentBlockParam, ImageBlockParam } from '@anthropic-ai/sdk/resources/messages';

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

interface DataUrl {
  mediaType: string;
  base64: boolean;
  data: string;
}

/** Splits `data:<type>[;params][;base64],<data>`; undefined when `url` is not a data URL. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const params = match[2].split(';').map((p) => p.trim().toLowerCase());
  return { mediaType: match[1].trim().toLowerCase() || 'text/plain', base64: params.includes('base64'), data: match[3] };
}

/**
 * An OpenAI image part as an Anthropic image block: inline data URLs become a base64 source,
 * http(s) URLs a url source that Anthropic fetches itself.
 */
export function convertImageUrl(url: string, param: string): ImageBlockParam {
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const parsed = parseDataUrl(url);
  if (!parsed) throw errors.invalidRequest('Anthropic accepts images as base64 data: URLs or http(s) URLs.', param, 'invalid_image_url');
  if (!parsed.base64) throw errors.invalidRequest('Image data: URLs must be base64-encoded (data:<type>;base64,...).', param, 'invalid_image_url');
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(parsed.mediaType)) {
    throw errors.invalidRequest(`Anthropic does not accept images of type '${parsed.mediaType}' (supported: ${IMAGE_MEDIA_TYPES.join(', ')}).`, param, 'invalid_image_format');
  }
  return { type: 'image', source: { type: 'base64', media_type: parsed.mediaType as ImageMediaType, data: parsed.data } };
}

/**
 * An OpenAI file part as an Anthropic document block. Anthropic reads PDFs and plain text
 * inline; uploaded file ids belong to OpenAI and mean nothing here.
 */
export function convertFileData(file: { file_data?: string; file_id?: string; filename?: string }, param: string): DocumentBlockParam {
  if (!file.file_data) throw errors.unsupported('Anthropic cannot read OpenAI file ids; send the file inline as file_data.', `${param}.file.file_id`);
  const parsed = parseDataUrl(file.file_data);
  const isPdfName = /\.pdf$/i.test(file.filename ?? '');
  const title = file.filename ? { title: file.filename } : {};
  if (!parsed) {
    // OpenAI also takes bare base64 with a filename; only a PDF name tells us what it is.
    if (isPdfName) return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: file.file_data }, ...title };
    throw errors.invalidRequest('file_data must be a data: URL (PDF or plain text) for Anthropic.', `${param}.file.file_data`);
  }
  if (parsed.mediaType === 'application/pdf' && parsed.base64) {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: parsed.data }, ...title };
  }
  if (parsed.mediaType === 'text/plain') {
    const text = parsed.base64 ? Buffer.from(parsed.data, 'base64').toString('utf8') : decodeURIComponent(parsed.data);
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
  }
  throw errors.invalidRequest(`Anthropic does not accept files of type '${parsed.mediaType}' (supported: application/pdf, text/plain).`, `${param}.file.file_data`);
}
