import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadImage, ImageDownloadError, isPrivateAddress } from './image-download';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
let server: http.Server;
let origin: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    switch (req.url) {
      case '/ok.png':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length });
        return res.end(PNG);
      case '/big-declared':
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': 10_000 });
        return res.end(Buffer.alloc(10_000));
      case '/big-chunked':
        res.writeHead(200, { 'content-type': 'image/png' });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000));
        return res.end();
      case '/redirect':
        res.writeHead(302, { location: '/ok.png' });
        return res.end();
      case '/loop':
        res.writeHead(301, { location: '/loop' });
        return res.end();
      case '/missing':
        res.writeHead(404);
        return res.end();
      case '/hang':
        return; // never answers
      default:
        res.writeHead(500);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const opts = (extra: Partial<Parameters<typeof downloadImage>[1]> = {}) => ({ allowPrivate: true, maxBytes: 5000, timeoutMs: 2000, signal: new AbortController().signal, ...extra });

async function refusal(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the download to fail');
    },
    (err: Error) => err,
  );
}

describe('downloadImage', () => {
  it('downloads the bytes and content type, following redirects', async () => {
    const direct = await downloadImage(`${origin}/ok.png`, opts());
    expect(Buffer.from(direct.bytes).equals(PNG)).toBe(true);
    expect(direct.contentType).toBe('image/png');
    const redirected = await downloadImage(`${origin}/redirect`, opts());
    expect(Buffer.from(redirected.bytes).equals(PNG)).toBe(true);
  });

  it('refuses loopback and private hosts unless allowed (literal IPs and names that resolve to them)', async () => {
    const literal = await refusal(downloadImage(`${origin}/ok.png`, opts({ allowPrivate: false })));
    expect(literal).toBeInstanceOf(ImageDownloadError);
    expect(literal.message).toContain('private address');
    const byName = await refusal(downloadImage(origin.replace('127.0.0.1', 'localhost') + '/ok.png', opts({ allowPrivate: false })));
    expect(byName.message).toMatch(/private address/);
  });

  it('enforces the size cap, whether the length is declared or not', async () => {
    expect((await refusal(downloadImage(`${origin}/big-declared`, opts()))).message).toContain('larger than 5000 bytes');
    expect((await refusal(downloadImage(`${origin}/big-chunked`, opts()))).message).toContain('larger than 5000 bytes');
  });

  it('fails clearly on HTTP errors, redirect loops, other schemes and timeouts', async () => {
    expect((await refusal(downloadImage(`${origin}/missing`, opts()))).message).toContain('HTTP 404');
    expect((await refusal(downloadImage(`${origin}/loop`, opts()))).message).toContain('too many redirects');
    expect((await refusal(downloadImage('ftp://example.com/a.png', opts()))).message).toContain('only http and https');
    expect((await refusal(downloadImage(`${origin}/hang`, opts({ timeoutMs: 100 })))).message).toContain('timed out');
  });

  it("stops when the caller's signal aborts, with the caller's reason", async () => {
    const controller = new AbortController();
    const pending = downloadImage(`${origin}/hang`, opts({ signal: controller.signal }));
    const reason = new DOMException('client left', 'AbortError');
    setImmediate(() => controller.abort(reason));
    expect(await refusal(pending)).toBe(reason);
  });
});

describe('isPrivateAddress', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1'])('%s is private', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.4.4'])('%s is public', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});
