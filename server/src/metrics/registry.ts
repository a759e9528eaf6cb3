/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format (version 0.0.4). Each metric caps its number of series; values beyond the cap
 * are folded into one series whose labels are all "_other", so a stream of new label values
 * (client-chosen model names, say) cannot grow memory or the scrape without bound.
 */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const OVERFLOW = '_other';
const DEFAULT_MAX_SERIES = 2000;

type Labels = Record<string, string>;

abstract class Metric<S> {
  protected readonly series = new Map<string, { labels: string[]; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly maxSeries = DEFAULT_MAX_SERIES,
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`bad metric name ${name}`);
  }

  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  protected abstract initial(): S;
  protected abstract renderSeries(out: string[]): void;
  private collector?: () => void;

  /** Runs before each scrape: for values read from elsewhere rather than kept up to date. */
  collect(fn: () => void): this {
    this.collector = fn;
    return this;
  }

  render(out: string[]): void {
    this.collector?.();
    this.header(out);
    this.renderSeries(out);
  }

  protected get(labels: Labels): S {
    let values = this.labelNames.map((n) => labels[n] ?? '');
    let key = values.join('\u0001');
    let entry = this.series.get(key);
    if (!entry) {
      if (this.series.size >= this.maxSeries) {
        values = this.labelNames.map(() => OVERFLOW);
        key = values.join('\u0001');
        entry = this.series.get(key);
      }
      if (!entry) this.series.set(key, (entry = { labels: values, state: this.initial() }));
    }
    return entry.state;
  }

  remove(labels: Labels): void {
    this.series.delete(this.labelNames.map((n) => labels[n] ?? '').join('\u0001'));
  }

  protected header(out: string[]): void {
    out.push(`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`);
  }

  protected labelText(values: string[], extra?: [string, string]): string {
    const parts = this.labelNames.map((n, i) => `${n}="${escapeLabel(values[i])}"`);
    if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
    return parts.length ? `{${parts.join(',')}}` : '';
  }
}

export function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

export class Counter extends Metric<{ value: number }> {
  readonly type = 'counter';
  protected initial() {
    return { value: 0 };
  }
  inc(labels: Labels = {}, by = 1): void {
    if (!(by >= 0)) return; // counters only go up
    this.get(labels).value += by;
  }
  /** For collectors mirroring a total kept elsewhere (it must only grow). */
  setTotal(labels: Labels, total: number): void {
    this.get(labels).value = total;
  }
  protected renderSeries(out: string[]): void {
    for (const { labels, state } of this.series.values()) out.push(`${this.name}${this.labelText(labels)} ${formatValue(state.value)}`);
  }
}

export class Gauge extends Metric<{ value: number }> {
  readonly type = 'gauge';
  protected initial() {
    return { value: 0 };
  }
  set(labels: Labels, value: number): void {
    this.get(labels).value = value;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.get(labels).value += by;
  }
  protected renderSeries(out: string[]): void {
    for (const { labels, state } of this.series.values()) out.push(`${this.name}${this.labelText(labels)} ${formatValue(state.value)}`);
  }
}

export class Histogram extends Metric<{ counts: number[]; sum: number; count: number }> {
  readonly type = 'histogram';
  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[], maxSeries?: number) {
    super(name, help, labelNames, maxSeries);
    if (buckets.some((b, i) => i > 0 && b <= buckets[i - 1])) throw new Error(`${name}: buckets must increase`);
  }
  protected initial() {
    return { counts: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
  }
  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const s = this.get(labels);
    // Counts are per bucket here and made cumulative when rendered.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  protected renderSeries(out: string[]): void {
    for (const { labels, state } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += state.counts[i];
        out.push(`${this.name}_bucket${this.labelText(labels, ['le', formatValue(b)])} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${this.labelText(labels, ['le', '+Inf'])} ${state.count}`);
      out.push(`${this.name}_sum${this.labelText(labels)} ${formatValue(state.sum)}`);
      out.push(`${this.name}_count${this.labelText(labels)} ${state.count}`);
    }
  }
}

export class MetricsRegistry {
  private readonly metrics: Array<Counter | Gauge | Histogram> = [];

  add<M extends Counter | Gauge | Histogram>(metric: M): M {
    if (this.metrics.some((m) => m.name === metric.name)) throw new Error(`metric ${metric.name} registered twice`);
    this.metrics.push(metric);
    return metric;
  }

  counter(name: string, help: string, labels: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labels));
  }
  gauge(name: string, help: string, labels: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labels));
  }
  histogram(name: string, help: string, labels: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labels, buckets));
  }

  expose(): string {
    const out: string[] = [];
    for (const m of this.metrics) m.render(out);
    return out.join('\n') + '\n';
  }
}
