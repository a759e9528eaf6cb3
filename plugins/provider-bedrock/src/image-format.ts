export type BedrockImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

/** The image format from its first bytes; the bytes are more trustworthy than a declared type. */
export function sniffImageFormat(bytes: Uint8Array): BedrockImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 6 && String.fromCharCode(...bytes.subarray(0, 4)) === 'GIF8') return 'gif';
  if (bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'webp';
  return undefined;
}

/** The format a MIME type names, for when the bytes say nothing recognisable. */
export function imageFormatFromMime(mimeType: string): BedrockImageFormat | undefined {
  const subtype = mimeType.toLowerCase().split(';')[0].trim();
  switch (subtype) {
    case 'image/png':
      return 'png';
    case 'image/jpeg':
    case 'image/jpg':
      return 'jpeg';
    case 'image/gif':
      return 'gif';
    case 'image/webp':
      return 'webp';
    default:
      return undefined;
  }
}
