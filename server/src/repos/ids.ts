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

/**
 * The time in milliseconds as 12 lower-case hex digits. Ids that start with it sort by creation
 * time as text (in SQLite, and in PostgreSQL whatever the collation), so each new row's key lands
 * at the end of its index. With random keys every insert wrote a random leaf page of each index:
 * the busiest tables (ledger entries and settlements, keyed and indexed by these ids and by request
 * ids) rewrote more pages per commit the bigger they grew (docs/performance.md).
 */
function timePrefix(): string {
  // In two 24-bit halves: a small integer's hex is quick, a timestamp's (a double) about three times slower.
  const ms = Date.now();
  const high = Math.floor(ms / TWO_POW_24);
  if (high !== highPart) {
    highPart = high;
    highHex = high.toString(16).padStart(6, '0');
  }
  return highHex + (ms % TWO_POW_24).toString(16).padStart(6, '0');
}

const TWO_POW_24 = 0x1000000;
/** The upper half changes every 4.66 hours: its hex is kept. */
let highPart = -1;
let highHex = '';

/** Row ids with a readable prefix, the creation time and 72 random bits, e.g. `cred_019ad1c2e3f4Xq...`. */
export function newId(prefix: string): string {
  return `${prefix}_${timePrefix()}${randomSlice(9).toString('base64url')}`;
}

/** An id for a request that came without one: `req_` and 32 hex digits, the time first (as newId), then 80 random bits. */
export function newRequestId(): string {
  return `req_${timePrefix()}${randomSlice(10).toString('hex')}`;
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}
