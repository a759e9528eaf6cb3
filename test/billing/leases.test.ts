import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { within } from '../support/within';
import { asUser, balanceOf, chat, creditsMode, expectBooksBalanced, price, settlements, startBillingGateway, topUp, upstreamCalls, type BillingGateway } from './support';

/**
 * Credits mode with credit leases, end to end through the HTTP gateway: requests reserve from the
 * instance's lease in memory and their charges are written after the answer. What the payer is
 * charged, what usage records and what the books say must be what they are without leases.
 */
describe.each(await storageBackends())('credit leases through the gateway (%s)', (backend) => {
  let gw: BillingGateway;
  const CARD = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 };
  const LEASE = 200_000;

  beforeAll(async () => {
    gw = await startBillingGateway(backend);
    for (const p of ['up', 'down']) await price(gw, p, 'mock-chat', CARD);
    await creditsMode(gw, { leases: { enabled: true, size: LEASE } });
  });
  afterAll(() => gw?.stop());
  beforeEach(() => {
    gw.summaries.length = 0;
  });

  /** Stored balance plus what this instance's lease still holds: what the payer has, less requests in flight. */
  const owned = async (account: string) => {
    await gw.billing.leases.flush();
    const b = await balanceOf(gw, account);
    return b.balance + b.held;
  };

  it('charges JSON and streamed requests exactly, from one lease, and usage agrees', async () => {
    await topUp(gw, 'user:lena', 1_000_000);
    const json = await chat(gw, asUser('lena'), { model: 'chat', max_tokens: 30, messages: [{ role: 'user', content: 'one two three' }] });
    expect(json.status).toBe(200);
    const stream = await chat(gw, asUser('lena'), { model: 'chat', stream: true, stream_options: { include_usage: true }, max_tokens: 30, messages: [{ role: 'user', content: 'four five six seven' }] });
    expect(stream.status).toBe(200);
    const streamUsage = (stream.body as string)
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)))
      .find((c) => c.usage).usage;
    const expected = [json.body.usage, streamUsage].map((u) => u.prompt_tokens + 2 * u.completion_tokens);

    const summaries = await gw.waitForSummaries(2);
    expect(summaries.map((s) => s.attempts[0].creditsMicros).sort()).toEqual([...expected].sort());
    expect(await owned('user:lena')).toBe(1_000_000 - expected[0] - expected[1]);
    const rows = await settlements(gw, { account_id: 'user:lena' });
    expect(rows.map((r) => [r.request_id, r.status, Number(r.collected)])).toEqual([
      [json.requestId, 'settled', expected[0]],
      [stream.requestId, 'settled', expected[1]],
    ]);
    // One hold for both requests: the lease, which they were charged from.
    const holds = await gw.db('billing_holds').where({ account_id: 'user:lena' });
    expect(holds).toHaveLength(1);
    expect(rows.every((r) => r.hold_id === holds[0].id)).toBe(true);
    expect(await balanceOf(gw, 'user:lena')).toMatchObject({ balance: 1_000_000 - LEASE });
    await expectBooksBalanced(gw);
  });

  it('answers 402 before any upstream call when the balance cannot cover the request, and writes nothing', async () => {
    await topUp(gw, 'user:lean', 10);
    const calls = upstreamCalls.count;
    const r = await chat(gw, asUser('lean'), { model: 'chat', max_tokens: 100, messages: [{ role: 'user', content: 'please answer at length' }] });
    expect(r.status).toBe(402);
    expect(r.body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_credits' });
    expect(upstreamCalls.count).toBe(calls);
    expect(await owned('user:lean')).toBe(10);
    expect(await settlements(gw, { account_id: 'user:lean' })).toEqual([]);
    expect(await gw.db('billing_holds').where({ account_id: 'user:lean' })).toEqual([]);
  });

  it('gives a failed attempt its reservation back and records the release', async () => {
    await topUp(gw, 'user:lila', 1_000_000);
    const r = await chat(gw, asUser('lila'), { model: 'down-chat', messages: [{ role: 'user', content: 'x' }] });
    expect(r.status).toBe(500);
    expect(await owned('user:lila')).toBe(1_000_000);
    expect(await settlements(gw, { account_id: 'user:lila' })).toEqual([expect.objectContaining({ status: 'released', charged: 0, collected: 0 })]);
    await expectBooksBalanced(gw);
  });

  it('holds per request, as without leases, when the rule prices by the month so far', async () => {
    expect((await gw.api('PATCH', '/api/billing/settings', { rule: { plugin: 'free-allowance', settings: { amount: 0 } } })).status).toBe(200);
    try {
      await topUp(gw, 'user:lotte', 1_000_000);
      const r = await chat(gw, asUser('lotte'), { model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
      expect(r.status).toBe(200);
      // Written before the answer: nothing to wait for, and no lease.
      expect(await balanceOf(gw, 'user:lotte')).toMatchObject({ held: 0 });
      const [hold] = await gw.db('billing_holds').where({ account_id: 'user:lotte' });
      expect(hold).toMatchObject({ status: 'settled', request_id: r.requestId });
    } finally {
      await gw.api('PATCH', '/api/billing/settings', { rule: { plugin: 'token-rates', settings: {} } });
    }
  });

  it('counts lease charges against budgets, and announces a crossing once its charge is written', async () => {
    const soft: unknown[] = [];
    gw.billing.events.on('budget.soft_limit', (c) => soft.push(c));
    await topUp(gw, 'user:lucy', 1_000_000);
    expect((await gw.api('PUT', '/api/billing/budgets', { scope: 'user', scopeId: 'lucy', period: 'day', softLimit: 4, hardLimit: 1_000_000 })).status).toBe(200);
    let charged = 0;
    for (let i = 0; i < 3; i++) {
      const r = await chat(gw, asUser('lucy'), { model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'one two' }] });
      expect(r.status).toBe(200);
      charged += r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens;
    }
    await gw.billing.leases.flush();
    await within(2000, async () => expect(soft).toEqual([expect.objectContaining({ kind: 'soft', limit: 4 })]));
    const list = await gw.api<{ data: Array<{ scopeId: string; spent: number }> }>('GET', '/api/billing/budgets');
    expect(list.body.data.find((b) => b.scopeId === 'lucy')?.spent).toBe(charged);
  });

  it('gives every lease back on a clean shutdown', async () => {
    await topUp(gw, 'user:lars', 1_000_000);
    const r = await chat(gw, asUser('lars'), { model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const charged = r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens;
    await gw.billing.close();
    expect(await balanceOf(gw, 'user:lars')).toEqual(expect.objectContaining({ balance: 1_000_000 - charged, held: 0 }));
    expect(await gw.db('billing_holds').where({ status: 'open' })).toEqual([]);
    await expectBooksBalanced(gw);
  });
});
