/**
 * Media references in OpenAI messages, turned into Gemini parts.
 *
 * What Gemini accepts:
 * - `inlineData {mimeType, data}`: the bytes themselves, base64, inside the request (the whole
 *   request must stay under about 20 MB). Images: PNG, JPEG, WEBP, HEIC, HEIF; also PDF, audio
 *   (WAV, MP3, AIFF, AAC, OGG, FLAC) and video.
 * - `fileData {mimeType, fileUri}`: a reference Gemini fetches itself. It takes Files API URIs
 *   (`https://generativelanguage.googleapis.com/v1beta/files/...`), YouTube links, and on current
 *   models public http(s) URLs. `mimeType` is required, and a URL carries none, so it is guessed
 *   from the file extension.
 */

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  aiff: 'audio/aiff',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  mp4: 'video/mp4',
  mpeg: 'video/mpeg',
  mov: 'video/mov',
  webm: 'video/webm',
};

export interface InlineData {
  mimeType: string;
  data: string;
}

/** Parses `data:<mime>[;param...][;base64],<payload>` into base64 bytes and a MIME type. */
export function parseDataUrl(url: string): InlineData | undefined {
  const match = /^data:([^,]*?),(.*)$/s.exec(url);
  if (!match) return undefined;
  const params = match[1].split(';');
  const mimeType = params[0].trim() || 'text/plain';
  const isBase64 = params.slice(1).some((p) => p.trim().toLowerCase() === 'base64');
  const payload = match[2];
  if (isBase64) return { mimeType, data: payload.replace(/\s+/g, '') };
  // A percent-encoded data URL: Gemini wants base64, so the bytes are re-encoded.
  return { mimeType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
}

/** The MIME type a URL or file name suggests by its extension, if any. */
export function guessMimeType(urlOrName: string): string | undefined {
  let path = urlOrName;
  try {
    path = new URL(urlOrName).pathname;
  } catch {
    // A bare file name, not a URL.
  }
  const match = /\.([a-z0-9]+)$/i.exec(path);
  return match ? MIME_BY_EXTENSION[match[1].toLowerCase()] : undefined;
}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
