import { describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/plugin-kit';
import { convertFileData, convertImageUrl, parseDataUrl } from './convert-image';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function failure(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (GatewayError.is(err)) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

describe('parseDataUrl', () => {
  it('splits media type, base64 flag and data', () => {
    expect(parseDataUrl(`data:image/png;base64,${PNG}`)).toEqual({ mediaType: 'image/png', base64: true, data: PNG });
    expect(parseDataUrl('data:,hello')).toEqual({ mediaType: 'text/plain', base64: false, data: 'hello' });
    expect(parseDataUrl('https://example.com/a.png')).toBeUndefined();
  });
});

describe('convertImageUrl', () => {
  it('turns a base64 data URL into a base64 source', () => {
    expect(convertImageUrl(`data:image/png;base64,${PNG}`, 'p')).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } });
    expect(convertImageUrl('data:IMAGE/JPEG;base64,AAAA', 'p').source).toEqual({ type: 'base64', media_type: 'image/jpeg', data: 'AAAA' });
  });

  it('turns an http(s) URL into a url source', () => {
    expect(convertImageUrl('https://example.com/cat.jpg', 'p')).toEqual({ type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } });
    expect(convertImageUrl('http://127.0.0.1:9/probe.png', 'p').source).toEqual({ type: 'url', url: 'http://127.0.0.1:9/probe.png' });
  });

  it('refuses other schemes, non-base64 data and unsupported image types with a 400 naming the part', () => {
    const scheme = failure(() => convertImageUrl('ftp://example.com/a.png', 'messages[0].content[1].image_url.url'));
    expect(scheme.status).toBe(400);
    expect(scheme.param).toBe('messages[0].content[1].image_url.url');
    expect(failure(() => convertImageUrl('data:image/png,rawbytes', 'p')).message).toMatch(/base64/);
    expect(failure(() => convertImageUrl('data:image/tiff;base64,AAAA', 'p')).message).toMatch(/image\/tiff/);
  });
});

describe('convertFileData', () => {
  it('reads PDFs (data URL or bare base64 with a .pdf name) and plain text', () => {
    expect(convertFileData({ file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' }, 'p')).toEqual({
      type: 'document',
      source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
      title: 'a.pdf',
    });
    expect(convertFileData({ file_data: 'JVBERi0=', filename: 'report.PDF' }, 'p').source).toEqual({ type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' });
    const text = Buffer.from('plain words').toString('base64');
    expect(convertFileData({ file_data: `data:text/plain;base64,${text}` }, 'p').source).toEqual({ type: 'text', media_type: 'text/plain', data: 'plain words' });
  });

  it('refuses file ids and other file types', () => {
    expect(failure(() => convertFileData({ file_id: 'file-123' }, 'messages[0].content[0]')).param).toBe('messages[0].content[0].file.file_id');
    expect(failure(() => convertFileData({ file_data: 'data:application/zip;base64,AAAA' }, 'p')).status).toBe(400);
    expect(failure(() => convertFileData({ file_data: 'AAAA', filename: 'x.bin' }, 'p')).status).toBe(400);
  });
});
