import { describe, expect, it } from 'vitest';
import { imageFormatFromMime, sniffImageFormat } from './image-format';

describe('image formats', () => {
  it('recognises png, jpeg, gif and webp from their first bytes', () => {
    expect(sniffImageFormat(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffImageFormat(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffImageFormat(new TextEncoder().encode('GIF89a...'))).toBe('gif');
    expect(sniffImageFormat(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(new TextEncoder().encode('<svg></svg>'))).toBeUndefined();
  });

  it('maps MIME types, including the non-standard image/jpg', () => {
    expect(imageFormatFromMime('image/jpg')).toBe('jpeg');
    expect(imageFormatFromMime('image/webp; q=1')).toBe('webp');
    expect(imageFormatFromMime('image/svg+xml')).toBeUndefined();
  });
});
