/** A parsed `data:<mime>;base64,<payload>` URL. */
export interface DataUrl {
  mimeType: string;
  bytes: Uint8Array;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Returns undefined when `url` is not a well-formed data URL. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const match = DATA_URL.exec(url);
  if (!match) return undefined;
  const mimeType = (match[1] || 'text/plain').toLowerCase();
  const isBase64 = match[2].split(';').includes('base64');
  const payload = match[3];
  if (isBase64) {
    const compact = payload.replace(/\s+/g, '');
    if (!BASE64.test(compact)) return undefined;
    return { mimeType, bytes: new Uint8Array(Buffer.from(compact, 'base64')) };
  }
  try {
    return { mimeType, bytes: new Uint8Array(Buffer.from(decodeURIComponent(payload), 'utf8')) };
  } catch {
    return undefined;
  }
}
