/**
 * A sparse log-scale histogram of millisecond values, mergeable and cheap to store. Bin 0 holds
 * [0, 1) ms; bin k >= 1 holds [GAMMA^(k-1), GAMMA^k). With GAMMA = 1.08 a bin is 8% wide, so a
 * quantile read from merged histograms is within one bin (8%, in practice a few percent) of the
 * exact nearest-rank value (documented in docs/architecture.md). Rollup rows keep one per bucket so percentiles over any range are a
 * merge, never a scan of raw events.
 */
export const GAMMA = 1.08;
const LOG_GAMMA = Math.log(GAMMA);

export function binOf(ms: number): number {
  if (!(ms >= 1)) return 0; // also NaN and negatives
  return 1 + Math.floor(Math.log(ms) / LOG_GAMMA);
}

export function binBounds(bin: number): [number, number] {
  return bin === 0 ? [0, 1] : [GAMMA ** (bin - 1), GAMMA ** bin];
}

export class Histogram {
  // Created on first use: most rollup rows of non-streamed traffic never get a TTFT.
  private map?: Map<number, number>;
  total = 0;

  private get counts(): Map<number, number> {
    return (this.map ??= new Map());
  }

  add(ms: number, count = 1): void {
    const b = binOf(ms);
    this.counts.set(b, (this.counts.get(b) ?? 0) + count);
    this.total += count;
  }

  merge(other: Histogram): void {
    if (!other.map) return;
    for (const [b, c] of other.map) this.counts.set(b, (this.counts.get(b) ?? 0) + c);
    this.total += other.total;
  }

  /** Merges the stored form without building an intermediate histogram. */
  mergeEncoded(text: string): void {
    if (text.length <= 2) return; // '[]'
    const flat = JSON.parse(text) as number[];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      this.counts.set(flat[i], (this.counts.get(flat[i]) ?? 0) + flat[i + 1]);
      this.total += flat[i + 1];
    }
  }

  clone(): Histogram {
    const h = new Histogram();
    h.merge(this);
    return h;
  }

  /** JSON `[bin, count, ...]`, bins ascending. */
  encode(): string {
    if (!this.map || this.map.size === 0) return '[]';
    const bins = [...this.counts.keys()].sort((a, b) => a - b);
    const flat: number[] = [];
    for (const b of bins) flat.push(b, this.counts.get(b)!);
    return JSON.stringify(flat);
  }

  static decode(text: string): Histogram {
    const h = new Histogram();
    h.mergeEncoded(text);
    return h;
  }

  /**
   * The q-quantile (0 < q <= 1) by nearest rank, placed inside its bin by geometric
   * interpolation. Undefined when empty.
   */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    const bins = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const b of bins) {
      const c = this.counts.get(b)!;
      if (seen + c >= rank) {
        const [lo, hi] = binBounds(b);
        const f = (rank - seen - 0.5) / c;
        return b === 0 ? lo + (hi - lo) * f : lo * (hi / lo) ** f;
      }
      seen += c;
    }
    return binBounds(bins[bins.length - 1])[1];
  }
}
