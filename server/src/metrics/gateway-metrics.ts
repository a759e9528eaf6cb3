import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RequestSummary } from '../dispatch/hooks';
import type { UsageRecorderStatus } from '../usage/usage-recorder';
import type { UsageEvent } from '../usage/usage-event';
import type { ActiveRequests } from './active-requests';
import { MetricsRegistry } from './registry';

export type CircuitState = 'closed' | 'half_open' | 'open';
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/**
 * What the routing pipelines report about their circuit breakers, per target. The gauge
 * `switchyard_circuit_state{provider,model}` is 0 closed, 1 half-open, 2 open.
 */
export interface CircuitStateReporter {
  setCircuitState(target: { provider: string; model?: string }, state: CircuitState): void;
  /** Forget a target (removed from every pipeline). */
  clearCircuitState(target: { provider: string; model?: string }): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

const statusClass = (status: number) => `${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx`;

/**
 * The gateway's Prometheus metrics. Labels are low-cardinality by design: endpoint, provider,
 * model (catalog ids), status class, error type; never users, keys or request ids.
 */
export class GatewayMetrics implements CircuitStateReporter {
  readonly registry = new MetricsRegistry();
  private readonly r = this.registry;

  private readonly requests = this.r.counter('switchyard_requests_total', 'Requests that passed validation, by outcome. provider/model are "none" when refused before any upstream attempt, "cache" for cache hits.', ['endpoint', 'provider', 'model', 'status_class']);
  private readonly cacheHits = this.r.counter('switchyard_cache_hits_total', 'Requests answered from the response cache.', ['endpoint']);
  private readonly tokens = this.r.counter('switchyard_tokens_total', 'Tokens consumed, over every attempt (type: prompt, completion, cached, reasoning).', ['provider', 'model', 'type']);
  private readonly images = this.r.counter('switchyard_images_total', 'Images generated.', ['provider', 'model']);
  private readonly cost = this.r.counter('switchyard_cost_credits_total', 'Upstream cost in credits, as priced by billing.', ['provider', 'model']);
  private readonly charged = this.r.counter('switchyard_charged_credits_total', 'Credits charged to callers (revenue), as priced by billing.', ['provider', 'model']);
  private readonly latency = this.r.histogram('switchyard_request_duration_seconds', 'Request latency from arrival to the last byte.', ['endpoint', 'provider', 'model'], LATENCY_BUCKETS);
  private readonly ttft = this.r.histogram('switchyard_ttft_seconds', 'Time to first token of streamed requests.', ['endpoint', 'provider', 'model'], TTFT_BUCKETS);
  private readonly overhead = this.r.histogram('switchyard_gateway_overhead_seconds', "The gateway's own time: request latency minus time spent in upstream attempts.", ['endpoint'], OVERHEAD_BUCKETS);
  private readonly attempts = this.r.counter('switchyard_upstream_attempts_total', 'Upstream attempts by outcome.', ['provider', 'model', 'status_class']);
  private readonly upstreamErrors = this.r.counter('switchyard_upstream_errors_total', 'Failed upstream attempts by error type.', ['provider', 'model', 'type']);
  private readonly circuit = this.r.gauge('switchyard_circuit_state', 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.', ['provider', 'model']);

  constructor(sources: { usage: () => UsageRecorderStatus; active: ActiveRequests; pendingCharges?: () => number }) {
    const { r } = this;
    const charges = r.gauge('switchyard_billing_pending_charges', 'Charges decided against credit leases and not yet written to the database.');
    charges.collect(() => charges.set({}, sources.pendingCharges?.() ?? 0));
    const inflight = r.gauge('switchyard_inflight_requests', 'Requests between their first upstream attempt and their end.');
    inflight.collect(() => inflight.set({}, sources.active.counts().requests));
    const streams = r.gauge('switchyard_active_streams', 'Streamed requests in flight.');
    streams.collect(() => streams.set({}, sources.active.counts().streams));

    const depth = r.gauge('switchyard_usage_queue_depth', 'Usage events waiting to be written.');
    depth.collect(() => depth.set({}, sources.usage().depth));
    const capacity = r.gauge('switchyard_usage_queue_capacity', 'Most usage events held before new ones are dropped.');
    capacity.collect(() => capacity.set({}, sources.usage().capacity));
    const written = r.counter('switchyard_usage_events_written_total', 'Usage events written to the database.');
    written.collect(() => written.setTotal({}, sources.usage().written));
    const dropped = r.counter(
      'switchyard_usage_events_dropped_total',
      'Usage events dropped (queue_full: overload; write_failed: the database refused a batch repeatedly; shutdown: unwritten at exit).',
      ['reason'],
    );
    dropped.collect(() => {
      for (const [reason, n] of Object.entries(sources.usage().dropped)) dropped.setTotal({ reason }, n);
    });

    const rss = r.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.');
    rss.collect(() => rss.set({}, process.memoryUsage.rss()));
    const heap = r.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.');
    heap.collect(() => heap.set({}, process.memoryUsage().heapUsed));
    r.gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.').set({}, Math.round(Date.now() / 1000 - process.uptime()));
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const lag = r.gauge('nodejs_eventloop_delay_seconds', 'Event loop delay since the previous scrape, by quantile.', ['quantile']);
    lag.collect(() => {
      for (const q of [0.5, 0.99]) lag.set({ quantile: String(q) }, loop.percentile(q * 100) / 1e9);
      lag.set({ quantile: '1' }, loop.max / 1e9);
      loop.reset();
    });
    this.stopLoopMonitor = () => loop.disable();
  }

  /** Stops the event-loop sampler (gateway close). */
  readonly stopLoopMonitor: () => void;

  /** Called for every request that ends; `event` is its usage event when it has one. */
  observe(s: RequestSummary, event: UsageEvent | undefined): void {
    const last = s.final ?? s.attempts[s.attempts.length - 1];
    const provider = last?.providerId ?? (s.cacheHit ? 'cache' : 'none');
    const model = last?.modelId ?? (s.cacheHit ? s.requestedModel : 'none');
    this.requests.inc({ endpoint: s.endpoint, provider, model, status_class: statusClass(s.status) });
    if (s.cacheHit) this.cacheHits.inc({ endpoint: s.endpoint });
    this.latency.observe({ endpoint: s.endpoint, provider, model }, s.latencyMs / 1000);
    if (s.stream && s.ttftMs !== undefined) this.ttft.observe({ endpoint: s.endpoint, provider, model }, s.ttftMs / 1000);
    if (s.attempts.length > 0) {
      const upstream = s.attempts.reduce((t, a) => t + a.latencyMs, 0);
      this.overhead.observe({ endpoint: s.endpoint }, Math.max(0, s.latencyMs - upstream) / 1000);
    }
    // Label sets written out, not `{ ...labels, type }`: on Node 20 a leading-spread copy given
    // new keys outlives young-generation collections (docs/performance.md).
    for (const a of s.attempts) {
      this.attempts.inc({ provider: a.providerId, model: a.modelId, status_class: statusClass(a.status) });
      if (a.status !== 200) this.upstreamErrors.inc({ provider: a.providerId, model: a.modelId, type: a.errorType ?? 'unknown' });
    }
    if (event) {
      const labels = { provider, model };
      if (event.promptTokens) this.tokens.inc({ provider, model, type: 'prompt' }, event.promptTokens);
      if (event.completionTokens) this.tokens.inc({ provider, model, type: 'completion' }, event.completionTokens);
      if (event.cachedTokens) this.tokens.inc({ provider, model, type: 'cached' }, event.cachedTokens);
      if (event.reasoningTokens) this.tokens.inc({ provider, model, type: 'reasoning' }, event.reasoningTokens);
      if (event.images) this.images.inc(labels, event.images);
      if (event.costMicros) this.cost.inc(labels, event.costMicros / 1e6);
      if (event.creditsMicros) this.charged.inc(labels, event.creditsMicros / 1e6);
    }
  }

  setCircuitState(target: { provider: string; model?: string }, state: CircuitState): void {
    this.circuit.set({ provider: target.provider, model: target.model ?? '' }, CIRCUIT_VALUE[state]);
  }

  clearCircuitState(target: { provider: string; model?: string }): void {
    this.circuit.remove({ provider: target.provider, model: target.model ?? '' });
  }

  expose(): string {
    return this.registry.expose();
  }
}
