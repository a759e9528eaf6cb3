import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../test/support/gateway';
import { parseExposition, sampleValue, type Sample } from './exposition-parser';

const config = {
  providers: [
    { id: 'mock', plugin: 'mock', settings: {} },
    { id: 'down', plugin: 'mock', settings: { failures: [{ status: 500 }] } },
  ],
  models: [
    { id: 'mock-chat', provider: 'mock' },
    { id: 'down-chat', provider: 'down' },
  ],
  pipelines: [],
};

describe('GET /metrics', () => {
  let gw: TestGateway;
  let samples: Sample[];
  let types: Map<string, string>;

  const chat = (model: string, stream = false) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'a b c' }] }),
    }).then((r) => r.text());

  beforeAll(async () => {
    gw = await startTestGateway({ config });
    await chat('mock-chat');
    await chat('mock-chat');
    await chat('mock-chat', true);
    await chat('down-chat');
    await chat('no-such-model'); // refused before any attempt: counted here, no usage row
    gw.observability.metrics.setCircuitState({ provider: 'down', model: 'down-chat' }, 'open');
    gw.observability.metrics.setCircuitState({ provider: 'mock' }, 'half_open');
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    ({ samples, types } = parseExposition(await res.text()));
  });
  afterAll(() => gw?.stop());

  it('counts requests by endpoint, target and status class, including refused ones', () => {
    expect(types.get('switchyard_requests_total')).toBe('counter');
    expect(sampleValue(samples, 'switchyard_requests_total', { endpoint: 'chat', provider: 'mock', model: 'mock-chat', status_class: '2xx' })).toBe(3);
    expect(sampleValue(samples, 'switchyard_requests_total', { provider: 'down', model: 'down-chat', status_class: '5xx' })).toBe(1);
    expect(sampleValue(samples, 'switchyard_requests_total', { provider: 'none', model: 'none', status_class: '4xx' })).toBe(1);
  });

  it('has tokens, latency, TTFT and overhead histograms, and upstream errors by type', () => {
    expect(sampleValue(samples, 'switchyard_tokens_total', { provider: 'mock', model: 'mock-chat', type: 'completion' })).toBe(9);
    expect(sampleValue(samples, 'switchyard_tokens_total', { provider: 'mock', model: 'mock-chat', type: 'prompt' })).toBeGreaterThan(0);
    expect(types.get('switchyard_request_duration_seconds')).toBe('histogram');
    expect(sampleValue(samples, 'switchyard_request_duration_seconds_count', { provider: 'mock', model: 'mock-chat' })).toBe(3);
    expect(sampleValue(samples, 'switchyard_request_duration_seconds_bucket', { provider: 'mock', le: '+Inf' })).toBe(3);
    expect(sampleValue(samples, 'switchyard_ttft_seconds_count', { provider: 'mock', model: 'mock-chat' })).toBe(1); // streams only
    expect(sampleValue(samples, 'switchyard_gateway_overhead_seconds_count', { endpoint: 'chat' })).toBe(4);
    expect(sampleValue(samples, 'switchyard_upstream_errors_total', { provider: 'down', model: 'down-chat', type: 'upstream_error' })).toBe(1);
    expect(sampleValue(samples, 'switchyard_upstream_attempts_total', { provider: 'mock', status_class: '2xx' })).toBe(3);
  });

  it('exposes circuit states, the usage queue and drops, and process figures', () => {
    expect(sampleValue(samples, 'switchyard_circuit_state', { provider: 'down', model: 'down-chat' })).toBe(2);
    expect(sampleValue(samples, 'switchyard_circuit_state', { provider: 'mock', model: '' })).toBe(1);
    expect(sampleValue(samples, 'switchyard_usage_queue_depth')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'switchyard_usage_queue_capacity')).toBe(50_000);
    expect(sampleValue(samples, 'switchyard_billing_pending_charges')).toBe(0);
    for (const reason of ['queue_full', 'write_failed', 'shutdown']) expect(sampleValue(samples, 'switchyard_usage_events_dropped_total', { reason })).toBe(0);
    expect(sampleValue(samples, 'switchyard_active_streams')).toBe(0);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('never labels series with users, keys or request ids', () => {
    const allowed = new Set(['endpoint', 'provider', 'model', 'status_class', 'type', 'reason', 'le', 'quantile']);
    for (const s of samples) for (const name of Object.keys(s.labels)) expect(allowed.has(name), `${s.name} ${name}`).toBe(true);
    expect(samples.some((s) => Object.values(s.labels).includes('admin-key'))).toBe(false);
  });

  it('is served to loopback clients only when no token is set', async () => {
    // Behind a reverse proxy on the same host, the client's address is the forwarded one.
    const res = await fetch(`${gw.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ type: 'permission_error', code: 'metrics_forbidden' });
  });
});

describe('GET /metrics with SWITCHYARD_METRICS_TOKEN', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    vi.stubEnv('SWITCHYARD_METRICS_TOKEN', 'scrape-secret-123');
    gw = await startTestGateway();
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await gw?.stop();
  });

  it('requires the token, from anywhere', async () => {
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(`${gw.url}/metrics`, { headers: { authorization: 'Bearer scrape-secret-123', 'x-forwarded-for': '203.0.113.9' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('switchyard_requests_total');
  });
});
