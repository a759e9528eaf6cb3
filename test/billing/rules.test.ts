import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageBackends } from '../support/backends';
import { asUser, balanceOf, chat, creditsMode, expectBooksBalanced, price, startBillingGateway, topUp, type BillingGateway } from './support';

const CARD = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 };
const ask = (i: number) => ({ model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: `go ${i}` }] });
const plainCost = (r: { body: { usage: { prompt_tokens: number; completion_tokens: number } } }) => r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens;

/** The active billing rule is a setting; the two example plugins charge through the real gateway. */
describe.each(await storageBackends())('billing rules (%s)', (backend) => {
  let gw: BillingGateway;

  beforeAll(async () => {
    gw = await startBillingGateway(backend);
    await price(gw, 'up', 'mock-chat', CARD);
  });
  afterAll(() => gw?.stop());

  it('free-allowance: free until the month\'s allowance is used, then charged for the rest', async () => {
    await creditsMode(gw, { rule: { plugin: 'free-allowance', settings: { unit: 'micro-credits', amount: 10 } } });
    await topUp(gw, 'user:thrifty', 1000);
    let used = 0;
    let paid = 0;
    for (let i = 0; i < 6; i++) {
      const r = await chat(gw, asUser('thrifty'), ask(i));
      expect(r.status).toBe(200);
      const cost = plainCost(r);
      paid += Math.max(0, cost - Math.max(0, 10 - used));
      used += cost;
      expect((await balanceOf(gw, 'user:thrifty')).balance).toBe(1000 - paid);
    }
    expect(paid).toBeGreaterThan(0);
    expect(paid).toBe(used - 10);
    // Another payer has an allowance of their own.
    await topUp(gw, 'user:frugal', 1000);
    await chat(gw, asUser('frugal'), ask(0));
    expect((await balanceOf(gw, 'user:frugal')).balance).toBe(1000);
    await expectBooksBalanced(gw);
  });

  it('free-allowance lets a payer with no credit use the allowance', async () => {
    await creditsMode(gw, { rule: { plugin: 'free-allowance', settings: { unit: 'micro-credits', amount: 100_000 } } });
    const r = await chat(gw, asUser('newcomer'), ask(1));
    expect(r.status).toBe(200);
    expect(await balanceOf(gw, 'user:newcomer')).toEqual(expect.objectContaining({ balance: 0 }));
  });

  it('volume-tiers: the month\'s token volume lowers the price of the next tokens', async () => {
    await creditsMode(gw, { rule: { plugin: 'volume-tiers', settings: { tiers: [{ fromTokens: 0, pricePercent: 100 }, { fromTokens: 8, pricePercent: 50 }] } } });
    await topUp(gw, 'user:heavy', 1000);
    let tokens = 0;
    let paid = 0;
    for (let i = 0; i < 5; i++) {
      const r = await chat(gw, asUser('heavy'), ask(i));
      const n = r.body.usage.prompt_tokens + r.body.usage.completion_tokens;
      const full = Math.min(n, Math.max(0, 8 - tokens));
      // Tokens before the boundary at 100%, after it at 50%, of this request's plain value.
      paid += Math.ceil((plainCost(r) * (full * 100 + (n - full) * 50)) / (n * 100));
      tokens += n;
      expect((await balanceOf(gw, 'user:heavy')).balance).toBe(1000 - paid);
    }
    expect(tokens).toBeGreaterThan(8);
    await expectBooksBalanced(gw);
    await gw.api('PATCH', '/api/billing/settings', { rule: { plugin: 'token-rates', settings: {} } });
  });
});
