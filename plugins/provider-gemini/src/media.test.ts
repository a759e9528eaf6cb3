import { describe, expect, it } from 'vitest';
import { guessMimeType, isHttpUrl, parseDataUrl } from './media';

describe('parseDataUrl', () => {
  it('reads base64 data URLs, with or without extra parameters', () => {
    expect(parseDataUrl('data:image/png;base64,iVBORw0KGgo=')).toEqual({ mimeType: 'image/png', data: 'iVBORw0KGgo=' });
    expect(parseDataUrl('data:application/pdf;name=a.pdf;base64,JVBERi0=')).toEqual({ mimeType: 'application/pdf', data: 'JVBERi0=' });
  });

  it('re-encodes percent-encoded data URLs as base64', () => {
    expect(parseDataUrl('data:text/plain,hello%20world')).toEqual({ mimeType: 'text/plain', data: Buffer.from('hello world').toString('base64') });
  });

  it('rejects what is not a data URL', () => {
    expect(parseDataUrl('https://example.com/a.png')).toBeUndefined();
  });
});

describe('guessMimeType', () => {
  it('goes by the extension of the URL path, ignoring the query', () => {
    expect(guessMimeType('https://example.com/cat.JPG?size=big')).toBe('image/jpeg');
    expect(guessMimeType('https://example.com/doc.pdf')).toBe('application/pdf');
    expect(guessMimeType('clip.mp3')).toBe('audio/mp3');
    expect(guessMimeType('https://example.com/image')).toBeUndefined();
  });
});

describe('isHttpUrl', () => {
  it('accepts http and https only', () => {
    expect(isHttpUrl('https://a.b/c')).toBe(true);
    expect(isHttpUrl('HTTP://a.b/c')).toBe(true);
    expect(isHttpUrl('gs://bucket/x')).toBe(false);
  });
});
