import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIEmulator, type OpenAIEmulator } from '../emulators/openai';
import { within } from '../support/within';
import { TOP_UP_MICROS } from './bench-config';
import { featureEvidence, startFullGateway, type FullGateway } from './gateway-full';

/**
 * The bench's all-features gateway really runs every feature it claims: the same child process
 * `npm run bench` measures (only the key's rpm is lowered so that the limit can be seen), checked
 * after a few requests through what the admin API and the refusals show.
 */
const RPM = 22;

describe.each([{ leases: 'on' }, { leases: 'off' }])('the all-features bench gateway (credit leases $leases)', ({ leases }) => {
  let emulator: OpenAIEmulator;
  let gw: FullGateway;

  beforeAll(async () => {
    emulator = await startOpenAIEmulator();
    gw = await startFullGateway(emulator.openaiUrl, { BENCH_KEY: 'sy-bench-check-admin', BENCH_KEY_RPM: String(RPM), BENCH_LEASES: leases });
  }, 60_000);
  afterAll(async () => {
    await gw?.child.stop();
    await emulator?.close();
  });

  const chat = async (stream: boolean) => {
    const res = await fetch(`${gw.child.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.customer.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 64, messages: [{ role: 'user', content: 'one sentence about switchyards' }], ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}) }),
    });
    return { status: res.status, text: await res.text() };
  };

  it('authenticates a user key, rate-limits it, runs the fallback pipeline, reserves and charges credits and records usage', async () => {
    const { customer } = gw;
    const key = await gw.admin('GET', `/api/keys/${customer.keyId}`);
    expect(key.body).toMatchObject({ userId: customer.userId, status: 'active', limits: { rpm: RPM, tpm: 1_000_000_000 } });
    expect((await gw.admin('GET', '/api/billing/settings')).body).toMatchObject({ mode: 'credits', leases: { enabled: leases === 'on' } });

    // The key's limit allows RPM requests a minute: all of them pass (one after an upstream
    // failure the fallback absorbs), the next one is refused before any upstream call.
    const upstreamBefore = emulator.requests.length;
    for (let i = 0; i < RPM; i++) {
      if (i === 2) emulator.enqueueJson({ error: { message: 'boom', type: 'server_error', param: null, code: null } }, { status: 500 });
      const r = await chat(i % 2 === 1);
      expect(r.status, r.text).toBe(200);
    }
    expect(emulator.requests.length - upstreamBefore).toBe(RPM + 1);
    const refused = await chat(false);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error.message).toContain(`${RPM} requests per minute`);
    expect(emulator.requests.length - upstreamBefore).toBe(RPM + 1);

    const evidence = await featureEvidence(gw, RPM);
    expect(evidence.usageDropped).toBe(0);
    expect(evidence.usageWritten).toBe(RPM);

    // One usage row per answered request: this key, this user, through the pipeline, charged.
    const events: any[] = (await gw.admin('GET', `/api/analytics/events?key=${customer.keyId}&limit=100`)).body.data;
    expect(events).toHaveLength(RPM);
    for (const e of events) {
      expect(e).toMatchObject({ keyId: customer.keyId, userId: customer.userId, pipelineId: customer.pipelineId, status: 200, providerId: 'openai', requestedModel: 'gpt-4o-mini' });
      expect(e.creditsMicros).toBeGreaterThan(0);
    }
    expect(events.filter((e) => e.stream)).toHaveLength(RPM / 2);
    expect(events.filter((e) => e.attempts === 2)).toHaveLength(1); // the fallback moved past the 500

    // Every attempt reserved credits first; the answered ones settled, the failed one was released.
    // (With leases, charges are written just after the answers: waited for.)
    let settlements: any[] = [];
    await within(5_000, async () => {
      settlements = (await gw.admin('GET', `/api/billing/settlements?account=${customer.account}&limit=100`)).body.data;
      expect(settlements.filter((s) => s.status === 'settled')).toHaveLength(RPM);
      expect(settlements.filter((s) => s.status === 'released')).toHaveLength(1);
    });
    for (const s of settlements) expect(s.reserved).toBeGreaterThan(0);
    for (const s of settlements.filter((x) => x.status === 'settled')) expect(s.reserved).toBeGreaterThanOrEqual(s.charged);

    // The ledger took exactly what the usage rows say, nothing is left on hold (but what a lease
    // holds for the next requests), the books balance.
    const charged = events.reduce((sum, e) => sum + Number(e.creditsMicros), 0);
    const after = await featureEvidence(gw, RPM);
    expect(after.spent).toBe(charged);
    if (leases === 'off') expect(after.held).toBe(0);
    else expect(after.held).toBeGreaterThan(0);
    expect(after.balance + after.held).toBe(TOP_UP_MICROS - charged);
    const books = (await gw.admin('GET', '/api/billing/audit')).body;
    expect(books).toMatchObject({ unbalancedEntries: [], mismatchedAccounts: [], total: 0 });
  }, 60_000);
});
