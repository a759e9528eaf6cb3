import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageResolver } from './image-input';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
let server: http.Server;
let url: string;

beforeAll(async () => {
  // Served with a misleading content type: the bytes decide the format.
  server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(GIF));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pic`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const settings = { imageUrls: 'any' as const, imageUrlMaxBytes: 100_000, imageUrlTimeoutMs: 2000 };
const signal = new AbortController().signal;

describe('createImageResolver', () => {
  it('downloads http(s) URLs and detects the format from the bytes', async () => {
    const block = await createImageResolver(settings, signal)(url, 'p');
    expect(block.format).toBe('gif');
    expect(Buffer.from((block.source as { bytes: Uint8Array }).bytes).equals(GIF)).toBe(true);
  });

  it('refuses URLs with a 400 naming the field when downloads are off, or the host is private under "public"', async () => {
    await expect(createImageResolver({ ...settings, imageUrls: 'off' }, signal)(url, 'messages[0].content[1].image_url.url')).rejects.toMatchObject({
      status: 400,
      code: 'image_url_not_supported',
      param: 'messages[0].content[1].image_url.url',
    });
    await expect(createImageResolver({ ...settings, imageUrls: 'public' }, signal)(url, 'p')).rejects.toMatchObject({ status: 400, code: 'invalid_image_url', message: expect.stringContaining('private address') });
  });

  it('refuses malformed data URLs, unsupported formats and other schemes', async () => {
    const resolve = createImageResolver(settings, signal);
    await expect(resolve('data:image/png;base64,', 'p')).rejects.toMatchObject({ status: 400, code: 'invalid_image_url' });
    await expect(resolve(`data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`, 'p')).rejects.toMatchObject({ status: 400, code: 'invalid_image_format' });
    await expect(resolve('file:///etc/passwd', 'p')).rejects.toMatchObject({ status: 400, code: 'invalid_image_url' });
  });
});
