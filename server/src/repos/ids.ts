import { randomFillSync } from 'node:crypto';

/*
 * Row ids are taken from a pool of random bytes refilled 4 KiB at a time: the request path makes
 * several ids per request, and asking the CSPRNG for 9 bytes each time costs more than the id.
 * They are identifiers, not secrets (secrets come from identity/secrets.ts), so sharing a pool is fine.
 */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

function randomSlice(bytes: number): Buffer {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + bytes);
  offset += bytes;
  return slice;
}

/** Short random ids with a readable prefix, e.g. `cred_3f9a...`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomSlice(9).toString('base64url')}`;
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}
