/**
 * Counts tokens with a tiktoken encoding's own ranks and split pattern (from js-tiktoken), and
 * gives the same counts as js-tiktoken's encoder (a test holds it to that), several times faster:
 * byte strings instead of comma-joined byte arrays as map keys, a cache of word counts, and no
 * token list built only to be measured. Reservations run on the request path, so this matters.
 */

export interface RankData {
  pat_str: string;
  bpe_ranks: string;
}

/** Pieces longer than this are counted in slices: BPE is quadratic in the piece, and a pasted
 * base64 blob is one enormous "word". Slicing can only add tokens, so estimates stay on the safe side. */
const MAX_PIECE_BYTES = 256;
/** Word counts remembered per encoding; cleared when full (cheap, and bounded memory). */
const CACHE_LIMIT = 200_000;
const CACHEABLE_CHARS = 48;

export class BpeCounter {
  private readonly ranks = new Map<string, number>();
  private readonly pattern: RegExp;
  private readonly cache = new Map<string, number>();

  constructor(data: RankData) {
    this.pattern = new RegExp(data.pat_str, 'gu');
    for (const line of data.bpe_ranks.split('\n')) {
      if (!line) continue;
      const fields = line.split(' ');
      const offset = Number.parseInt(fields[1], 10);
      for (let i = 2; i < fields.length; i++) this.ranks.set(Buffer.from(fields[i], 'base64').toString('latin1'), offset + i - 2);
    }
  }

  /** Tokens in `text`, special-token markers counted as ordinary text. */
  count(text: string): number {
    if (!text) return 0;
    let total = 0;
    this.pattern.lastIndex = 0;
    for (let m = this.pattern.exec(text); m !== null; m = this.pattern.exec(text)) {
      const piece = m[0];
      if (piece.length <= CACHEABLE_CHARS) {
        const known = this.cache.get(piece);
        if (known !== undefined) {
          total += known;
          continue;
        }
        const n = this.countPiece(toByteString(piece));
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(piece, n);
        total += n;
      } else {
        total += this.countPiece(toByteString(piece));
      }
    }
    return total;
  }

  private countPiece(bytes: string): number {
    if (this.ranks.has(bytes)) return 1;
    if (bytes.length <= MAX_PIECE_BYTES) return this.merge(bytes);
    let n = 0;
    for (let i = 0; i < bytes.length; i += MAX_PIECE_BYTES) n += this.merge(bytes.slice(i, i + MAX_PIECE_BYTES));
    return n;
  }

  /** Byte-pair merging: join the adjacent pair with the lowest rank until none is left. */
  private merge(bytes: string): number {
    if (bytes.length <= 1 || this.ranks.has(bytes)) return bytes.length === 0 ? 0 : 1;
    // bounds[i] is where part i starts; the last entry is the end of the piece.
    const bounds: number[] = [];
    for (let i = 0; i <= bytes.length; i++) bounds.push(i);
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 2 < bounds.length; i++) {
        const rank = this.ranks.get(bytes.slice(bounds[i], bounds[i + 2]));
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      bounds.splice(best + 1, 1);
    }
    return bounds.length - 1;
  }
}

/** UTF-8 bytes as a string of char codes 0-255 (ASCII, by far the most common, is itself). */
function toByteString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'utf8').toString('latin1');
  }
  return s;
}
