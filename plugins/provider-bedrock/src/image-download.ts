import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Downloads an image URL for Converse, which only accepts bytes. Bounded in size and time,
 * tied to the request's abort signal, and (policy `public`) refusing loopback, private and
 * link-local addresses, checked at connect time so DNS rebinding cannot slip past.
 */

export interface DownloadOptions {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
  signal: AbortSignal;
  maxRedirects?: number;
}

export interface Downloaded {
  bytes: Uint8Array;
  contentType: string | undefined;
}

/** Why a download failed, in words fit for the client (the URL is theirs). */
export class ImageDownloadError extends Error {
  override name = 'ImageDownloadError';
}

const privateRanges = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return privateRanges.check(mapped[1], 'ipv4');
    return privateRanges.check(address, 'ipv6');
  }
  return true;
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const list = addresses as LookupAddress[];
    const allowed = list.filter((a) => !isPrivateAddress(a.address));
    if (allowed.length === 0) return callback(new ImageDownloadError(`the image host ${hostname} resolves to a private address`), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
    callback(null, allowed[0].address, allowed[0].family);
  });
};

export async function downloadImage(url: string, options: DownloadOptions): Promise<Downloaded> {
  let current = url;
  const maxRedirects = options.maxRedirects ?? 3;
  for (let hop = 0; ; hop++) {
    const result = await fetchOnce(current, options);
    if ('redirect' in result) {
      if (hop >= maxRedirects) throw new ImageDownloadError('too many redirects');
      current = new URL(result.redirect, current).toString();
      continue;
    }
    return result;
  }
}

function fetchOnce(url: string, options: DownloadOptions): Promise<Downloaded | { redirect: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(new ImageDownloadError('the image URL is not a valid URL'));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return Promise.reject(new ImageDownloadError('only http and https image URLs can be downloaded'));
  const literal = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(literal) && isPrivateAddress(literal)) {
    return Promise.reject(new ImageDownloadError('the image URL points to a private address'));
  }
  const get = parsed.protocol === 'https:' ? https.get : http.get;

  return new Promise((resolve, reject) => {
    const timeoutSignal = AbortSignal.timeout(options.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeoutSignal]);
    const req = get(parsed, { signal, lookup: options.allowPrivate ? undefined : guardedLookup, headers: { accept: 'image/*' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        return resolve({ redirect: res.headers.location });
      }
      if (status !== 200) {
        res.resume();
        return reject(new ImageDownloadError(`the image URL answered HTTP ${status}`));
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        res.destroy();
        return reject(new ImageDownloadError(`the image is larger than ${options.maxBytes} bytes`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          res.destroy();
          reject(new ImageDownloadError(`the image is larger than ${options.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => resolve({ bytes: new Uint8Array(Buffer.concat(chunks)), contentType: res.headers['content-type'] }));
      res.on('error', (err) => reject(describe(err, timeoutSignal, options.signal)));
    });
    req.on('error', (err) => reject(describe(err, timeoutSignal, options.signal)));
  });
}

function describe(err: Error, timeout: AbortSignal, caller: AbortSignal): Error {
  if (caller.aborted) return caller.reason instanceof Error ? caller.reason : err;
  if (timeout.aborted) return new ImageDownloadError('downloading the image timed out');
  if (err instanceof ImageDownloadError) return err;
  return new ImageDownloadError(`the image could not be downloaded (${(err as NodeJS.ErrnoException).code ?? err.message})`);
}
