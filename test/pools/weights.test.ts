import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { chat, credentialsUsed, poolView, SummaryLog } from './support';

const KEY = 'sk-test-pool-weights-0001';
const REQUESTS = 240;
const BATCH = 12;

/**
 * The pool chooses among usable credentials by weight. With weights 1 and 3 the heavy one should
 * serve 3/4 of REQUESTS = 180 requests; the count is binomial with a standard deviation of
 * sqrt(240 * 3/4 * 1/4) = 6.7, and the accepted band of +-47 is seven standard deviations wide,
 * so a correct pool falls outside it about once in 10^11 runs. An even split (120) or a pool that
 * ignores the light credential (240) are both far outside it.
 */
describe('credential choice by weight (openai plugin)', () => {
  let gw: TestGateway;
  let emulator: OpenAIEmulator;
  const log = new SummaryLog();

  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey: KEY, recordRequests: false });
    gw = await startTestGateway({
      seedMock: false,
      hooks: [log.hook],
      config: {
        providers: [
          {
            id: 'weighted',
            plugin: 'openai',
            settings: { baseUrl: emulator.openaiUrl },
            credentials: [
              { name: 'light', weight: 1, secret: { apiKey: KEY } },
              { name: 'heavy', weight: 3, secret: { apiKey: KEY } },
            ],
          },
        ],
        models: [{ id: 'weighted', provider: 'weighted', upstreamModel: 'gpt-4o-mini' }],
        pipelines: [],
      },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await emulator?.close();
  });

  it('sends about three requests to the weight-3 credential for each one to the weight-1 credential', async () => {
    const view = await poolView(gw, 'weighted');
    expect(view.map((c) => [c.name, c.weight])).toEqual(expect.arrayContaining([['light', 1], ['heavy', 3]]));
    const heavy = view.find((c) => c.name === 'heavy')!.id;
    const light = view.find((c) => c.name === 'light')!.id;

    const requestIds: string[] = [];
    for (let sent = 0; sent < REQUESTS; sent += BATCH) {
      const batch = await Promise.all(Array.from({ length: BATCH }, () => chat(gw, 'weighted')));
      for (const res of batch) {
        expect(res.status).toBe(200);
        requestIds.push(res.requestId);
      }
    }
    const used = requestIds.map((id) => credentialsUsed(log.of(id).attempts));
    // Every request succeeded at its first attempt, so each one counts once.
    expect(used.every((u) => u.length === 1)).toBe(true);
    const heavyCount = used.filter(([id]) => id === heavy).length;
    const lightCount = used.filter(([id]) => id === light).length;
    expect(heavyCount + lightCount).toBe(REQUESTS);
    expect(heavyCount).toBeGreaterThanOrEqual(180 - 47);
    expect(heavyCount).toBeLessThanOrEqual(180 + 47);
  });
});
