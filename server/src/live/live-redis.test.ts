import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../../../test/support/gateway';
import { REDIS_URL, redisAvailable, uniqueRedisPrefix } from '../../../test/support/redis';
import { connectDashboard, eventually, type TestDashboard } from './live-test-client';

const config = {
  providers: [
    { id: 'mock', plugin: 'mock', settings: {} },
    { id: 'slow', plugin: 'mock', settings: { chunkDelayMs: 300 } },
  ],
  models: [
    { id: 'mock-chat', provider: 'mock' },
    { id: 'slow-chat', provider: 'slow' },
  ],
  pipelines: [],
};

/** Two gateways in one process sharing Redis: a dashboard on one sees the traffic of both. */
describe.runIf(await redisAvailable())('live feed across instances (Redis adapter)', () => {
  let a: TestGateway;
  let b: TestGateway;
  let dash: TestDashboard;

  const chat = (gw: TestGateway, id: string, model = 'mock-chat', stream = false, signal?: AbortSignal) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen' }] }),
      signal,
    }).then((r) => r.text());

  beforeAll(async () => {
    // Both instances use the same prefix, and only this suite uses it.
    vi.stubEnv('SWITCHYARD_REDIS_PREFIX', uniqueRedisPrefix());
    a = await startTestGateway({ config, env: { REDIS_URL } });
    b = await startTestGateway({ config, env: { REDIS_URL } });
    await Promise.all([a.observability.live!.ready(), b.observability.live!.ready()]);
    dash = await connectDashboard(a.url, { auth: { token: TEST_ADMIN_KEY } });
  });
  afterAll(async () => {
    dash?.close();
    await a?.stop();
    await b?.stop();
    vi.unstubAllEnvs();
  });

  it("shows the other instance's requests and counts both instances", async () => {
    // The adapter subscribes asynchronously after connecting: send until the first one arrives.
    let n = 0;
    await eventually(() => {
      if (n < 50 && dash.requests.length === 0) void chat(b, `from_b_${n++}`);
      return dash.requests.some((r) => r.id.startsWith('from_b_'));
    }, "B's traffic on A's dashboard", 10_000);
    await chat(a, 'from_a');
    await eventually(() => dash.requests.some((r) => r.id === 'from_a'), "A's own traffic");
    const fromB = dash.requests.find((r) => r.id.startsWith('from_b_'))!;
    expect(fromB.instance).toBe(b.observability.instanceId);
    expect(dash.requests.find((r) => r.id === 'from_a')!.instance).toBe(a.observability.instanceId);
    await eventually(() => dash.stats.at(-1)?.instances === 2, 'both instances in the stats');
  });

  it("counts the other instance's streams in flight", async () => {
    // ~4.5 s of chunks: several publish and tick periods (1 s) while it runs; cut once seen.
    const controller = new AbortController();
    const done = chat(b, 'slow_stream', 'slow-chat', true, controller.signal).catch(() => undefined);
    await eventually(() => (dash.stats.at(-1)?.activeStreams ?? 0) >= 1, "B's stream on A's dashboard", 4000);
    controller.abort();
    await done;
    await eventually(() => dash.requests.some((r) => r.id === 'slow_stream'), 'the stream when it ended');
    expect(dash.requests.find((r) => r.id === 'slow_stream')!.status).toBe(499);
    await eventually(() => dash.stats.at(-1)?.activeStreams === 0, 'no stream left', 5000);
  });
});
