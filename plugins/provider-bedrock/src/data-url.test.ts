import { describe, expect, it } from 'vitest';
import { parseDataUrl } from './data-url';

describe('parseDataUrl', () => {
  it('decodes base64 data URLs with their MIME type', () => {
    const parsed = parseDataUrl('data:image/PNG;base64,aGVsbG8=');
    expect(parsed?.mimeType).toBe('image/png');
    expect(Buffer.from(parsed!.bytes).toString()).toBe('hello');
  });

  it('decodes percent-encoded data URLs and defaults the type to text/plain', () => {
    const parsed = parseDataUrl('data:,a%20b');
    expect(parsed?.mimeType).toBe('text/plain');
    expect(Buffer.from(parsed!.bytes).toString()).toBe('a b');
  });

  it('rejects what is not a data URL or not base64', () => {
    expect(parseDataUrl('https://example.com/a.png')).toBeUndefined();
    expect(parseDataUrl('data:image/png;base64,***')).toBeUndefined();
  });
});
