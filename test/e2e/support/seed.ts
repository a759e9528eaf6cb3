import type { TestGateway } from '../../support/gateway';

/** Admin API calls with the test admin key, for data a screen needs but the test is not about. */
export async function adminCall<T>(gw: TestGateway, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${gw.url}${path}`, { method, headers: { ...gw.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The fallback pipeline of the tests: a primary that always fails with 503, then a working backup. */
export const FALLBACK_GRAPH = {
  schemaVersion: 1,
  nodes: [
    { id: 'fallback', type: 'fallback', typeVersion: 1, params: { branches: [{ id: 'primary' }, { id: 'backup' }] } },
    { id: 'flaky', type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'error-503' } },
    { id: 'steady', type: 'target', typeVersion: 1, params: { provider: 'mock', model: 'mock-chat' } },
  ],
  edges: [
    { source: 'fallback', sourceHandle: 'primary', target: 'flaky', targetHandle: 'in' },
    { source: 'fallback', sourceHandle: 'backup', target: 'steady', targetHandle: 'in' },
  ],
  layout: {},
};

export async function chat(gw: TestGateway, key: string, model: string, content: string, stream = false): Promise<number> {
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) }),
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Demo data for the screenshots: a second user with credits and a budget, an API key, a
 * published fallback pipeline bound to the model name `resilient-chat`, and a price for mock-chat.
 */
export async function seedDemo(gw: TestGateway, ownerId: string): Promise<{ key: string }> {
  // Some latency, so the charts and traces show believable timings.
  await adminCall(gw, 'PATCH', '/api/providers/mock', { settings: { latencyMs: 90, chunkDelayMs: 12 } });
  const member = await adminCall<{ id: string }>(gw, 'POST', '/api/users', { email: 'mia@example.com', name: 'Mia Member', role: 'member', password: 'a long enough password' });
  await adminCall(gw, 'POST', '/api/users', { email: 'victor@example.com', name: 'Victor Viewer', role: 'viewer' });
  await adminCall(gw, 'POST', `/api/billing/accounts/user:${member.id}/topups`, { credits: '25', memo: 'welcome credits' });
  await adminCall(gw, 'POST', `/api/billing/accounts/user:${ownerId}/topups`, { credits: '100', memo: 'initial budget' });
  await adminCall(gw, 'PUT', '/api/billing/budgets', { scope: 'user', scopeId: member.id, period: 'month', softLimit: 8_000_000, hardLimit: 10_000_000 });
  const key = await adminCall<{ key: string }>(gw, 'POST', '/api/keys', { name: 'backend production', userId: ownerId, rpm: 600 });
  await adminCall(gw, 'POST', '/api/keys', { name: 'notebook experiments', userId: member.id, expiresInDays: 30 });
  // A model whose upstream always fails, so the charts have errors to show.
  await adminCall(gw, 'PUT', '/api/models/mock-flaky', { providerId: 'mock', upstreamModel: 'error-503', capabilities: ['chat', 'streaming'] });
  await adminCall(gw, 'POST', '/api/billing/prices', { scope: 'provider', scopeId: 'mock', model: 'mock-chat', cost: { inputPer1M: 2_500_000, outputPer1M: 10_000_000 } }).catch(() => undefined);
  await adminCall(gw, 'POST', '/api/pipelines', { id: 'resilient-chat', name: 'Resilient chat', description: 'A flaky primary with a steady backup.', graph: FALLBACK_GRAPH });
  await adminCall(gw, 'POST', '/api/pipelines/resilient-chat/publish', { note: 'first version' });
  await adminCall(gw, 'PUT', '/api/pipelines/resilient-chat/bindings', { aliases: ['resilient-chat'] });
  return { key: key.key };
}

/** Mixed traffic spread over time: the pipeline, the plain model, streams, and some failures. */
export async function sendTraffic(gw: TestGateway, key: string, rounds: number, pauseMs = 0): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const burst = 1 + (i % 4);
    await Promise.all([
      ...Array.from({ length: burst }, (_, j) => chat(gw, key, 'resilient-chat', `question ${i}.${j}: how do fallbacks work when the primary is down?`)),
      chat(gw, key, 'mock-chat', `hello ${i}, please stream a longer reply with several words in it`, true),
      i % 3 === 0 ? chat(gw, key, 'mock-flaky', 'this one fails upstream') : Promise.resolve(0),
    ]);
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
}
