import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '@switchyard/core';
import { isPlainJson, readJsonBody } from './read-json-body';

const LIMIT = 64;

/** A server that answers with what readJsonBody made of the request body. */
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    readJsonBody(req, LIMIT).then(
      (body) => res.end(JSON.stringify({ ok: true, body })),
      (err: GatewayError) => res.end(JSON.stringify({ ok: false, status: err.status, code: err.code })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(chunks: Array<string | Buffer>, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('readJsonBody', () => {
  it('parses an object or an array, whole or in pieces', async () => {
    expect(await send(['{"model":"m","n":1}'])).toEqual({ ok: true, body: { model: 'm', n: 1 } });
    expect(await send(['{"mod', 'el":', '"m"}'])).toEqual({ ok: true, body: { model: 'm' } });
    expect(await send([' \n[1,2]'])).toEqual({ ok: true, body: [1, 2] });
  });

  it('reads an empty body as {} and skips a UTF-8 byte order mark, like express.json', async () => {
    expect(await send([])).toEqual({ ok: true, body: {} });
    expect(await send(['\uFEFF{"a":1}'])).toEqual({ ok: true, body: { a: 1 } });
  });

  it('refuses anything but an object or array at the top, and broken JSON, with invalid_json', async () => {
    for (const text of ['"text"', '42', 'null', '{"a":', 'not json', '{"a":1}}']) {
      expect(await send([text])).toEqual({ ok: false, status: 400, code: 'invalid_json' });
    }
  });

  it('keeps invalid UTF-8 as replacement characters rather than failing', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(await send([bytes])).toEqual({ ok: true, body: { a: '\uFFFD\uFFFD' } });
  });

  it('refuses a body over the limit from its Content-Length, and a chunked one as it grows past it', async () => {
    const big = `{"a":"${'x'.repeat(LIMIT)}"}`;
    expect(await send([big], { 'content-length': String(Buffer.byteLength(big)) })).toEqual({ ok: false, status: 413, code: 'request_too_large' });
    expect(await send([big.slice(0, 40), big.slice(40)], { 'transfer-encoding': 'chunked' })).toEqual({ ok: false, status: 413, code: 'request_too_large' });
    const fits = `{"a":"${'x'.repeat(LIMIT - 10)}"}`;
    expect(await send([fits])).toEqual({ ok: true, body: { a: 'x'.repeat(LIMIT - 10) } });
  });
});

describe('readJsonBody on a request already gone', () => {
  it('rejects at once instead of waiting for an end that never comes', async () => {
    const gone = { destroyed: true, readableAborted: true, headers: {} } as unknown as Parameters<typeof readJsonBody>[0];
    await expect(readJsonBody(gone, LIMIT)).rejects.toMatchObject({ status: 400, code: 'request_aborted' });
  });
});

describe('isPlainJson', () => {
  it('takes application/json in UTF-8 only', () => {
    expect(isPlainJson('application/json')).toBe(true);
    expect(isPlainJson('Application/JSON; charset=UTF-8')).toBe(true);
    expect(isPlainJson('application/json; charset="utf-8"')).toBe(true);
    expect(isPlainJson('application/json; charset=latin1')).toBe(false);
    expect(isPlainJson('text/plain')).toBe(false);
    expect(isPlainJson('application/jsonx')).toBe(false);
    expect(isPlainJson(undefined)).toBe(false);
  });
});
