import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { ImageGenerationRequest, ImageGenerationResponse } from '@switchyard/plugin-kit';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A small, valid PNG in a colour derived from the prompt: a real image, cheap to make. */
export function promptPng(prompt: string, size = 16): Buffer {
  const [r, g, b] = createHash('sha256').update(prompt).digest();
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from([r, g, b]))]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export function generateImages(request: ImageGenerationRequest): ImageGenerationResponse {
  const n = request.n ?? 1;
  return {
    created: Math.floor(Date.now() / 1000),
    data: Array.from({ length: n }, (_, i) => {
      const b64 = promptPng(`${request.prompt}#${i}`).toString('base64');
      // The mock has nowhere to host files, so a `url` answer is a data: URL.
      return request.response_format === 'url' ? { url: `data:image/png;base64,${b64}`, revised_prompt: request.prompt } : { b64_json: b64, revised_prompt: request.prompt };
    }),
  };
}
