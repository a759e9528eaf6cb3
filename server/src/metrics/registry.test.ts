import { describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from './exposition-parser';
import { Histogram, MetricsRegistry } from './registry';

describe('MetricsRegistry', () => {
  it('renders counters, gauges and histograms in the text format', () => {
    const r = new MetricsRegistry();
    const c = r.counter('t_requests_total', 'Requests.', ['model']);
    c.inc({ model: 'a' });
    c.inc({ model: 'a' }, 2);
    c.inc({ model: 'we"ird\\\nname' });
    c.inc({ model: 'a' }, -5); // ignored: counters only go up
    const g = r.gauge('t_depth', 'Depth.');
    g.collect(() => g.set({}, 42));
    const h = r.histogram('t_latency_seconds', 'Latency.', ['model'], [0.1, 1, 10]);
    for (const v of [0.05, 0.1, 0.5, 3, 100]) h.observe({ model: 'a' }, v);

    const { types, samples } = parseExposition(r.expose());
    expect(types.get('t_requests_total')).toBe('counter');
    expect(types.get('t_latency_seconds')).toBe('histogram');
    expect(sampleValue(samples, 't_requests_total', { model: 'a' })).toBe(3);
    expect(sampleValue(samples, 't_requests_total', { model: 'we"ird\\\nname' })).toBe(1);
    expect(sampleValue(samples, 't_depth')).toBe(42);
    const buckets = samples.filter((s) => s.name === 't_latency_seconds_bucket').map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([['0.1', 2], ['1', 3], ['10', 4], ['+Inf', 5]]);
    expect(sampleValue(samples, 't_latency_seconds_count', { model: 'a' })).toBe(5);
    expect(sampleValue(samples, 't_latency_seconds_sum', { model: 'a' })).toBeCloseTo(103.65, 10);
  });

  it('folds series beyond the cap into one "_other" series', () => {
    const r = new MetricsRegistry();
    const h = r.add(new Histogram('t_capped_seconds', 'Capped.', ['model'], [1], 3));
    for (let i = 0; i < 10; i++) h.observe({ model: `m${i}` }, 0.5);
    const { samples } = parseExposition(r.expose());
    const counts = samples.filter((s) => s.name === 't_capped_seconds_count');
    expect(counts.map((s) => s.labels.model)).toEqual(['m0', 'm1', 'm2', '_other']);
    expect(sampleValue(samples, 't_capped_seconds_count', { model: '_other' })).toBe(7);
  });

  it('refuses a metric registered twice and bad names', () => {
    const r = new MetricsRegistry();
    r.counter('t_once_total', 'x');
    expect(() => r.counter('t_once_total', 'x')).toThrow(/twice/);
    expect(() => r.counter('bad-name', 'x')).toThrow(/bad metric name/);
  });
});
