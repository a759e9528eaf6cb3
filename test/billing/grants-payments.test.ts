import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPaymentProvider } from '../../server/src/billing/payments/test-payment-provider';
import { storageBackends } from '../support/backends';
import { asUser, balanceOf, chat, creditsMode, expectBooksBalanced, price, startBillingGateway, topUp, type BillingGateway } from './support';

const CARD = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 };
const DAY = 86_400_000;

describe.each(await storageBackends())('grants, top-ups, payments and sign-up credits (%s)', (backend) => {
  let gw: BillingGateway;
  const payments = new TestPaymentProvider('whsec-test-0123456789');

  beforeAll(async () => {
    gw = await startBillingGateway(backend);
    gw.billing.payments.register(payments);
    await creditsMode(gw);
    await price(gw, 'up', 'mock-chat', CARD);
  });
  afterAll(() => gw?.stop());

  it('spends expiring grants first and, at expiry, removes only what is left of them', async () => {
    const grant = await gw.api<{ grantId: string }>('POST', '/api/billing/accounts/user:gifted/grants', { credits: '0.0001', expiresInDays: 1, memo: 'welcome' });
    expect(grant.status).toBe(201);
    await topUp(gw, 'user:gifted', 1000);
    const r = await chat(gw, asUser('gifted'), { model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'go' }] });
    const cost = r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens;
    expect((await balanceOf(gw, 'user:gifted')).balance).toBe(1100 - cost);
    const grants = await gw.api<{ data: Array<{ id: string; remaining: number; kind: string }> }>('GET', '/api/billing/accounts/user:gifted/grants');
    expect(grants.body.data.find((g) => g.id === grant.body.grantId)?.remaining).toBe(100 - cost);

    // A day and a bit later the grant's unspent part expires; the paid credit stays.
    await gw.billing.reconcile(Date.now() + DAY + 60_000);
    expect((await balanceOf(gw, 'user:gifted')).balance).toBe(1000);
    const ledger = await gw.api<{ data: Array<{ kind: string; lines: Array<{ account: string; amount: number }> }> }>('GET', '/api/billing/accounts/user:gifted/ledger');
    expect(ledger.body.data[0]).toMatchObject({ kind: 'grant_expiry', lines: expect.arrayContaining([{ account: 'system:expiry', amount: 100 - cost }]) });
    await expectBooksBalanced(gw);
  });

  it('credits a payment once, however often its webhook is delivered', async () => {
    const checkout = await gw.api<{ id: string; url: string; externalId: string; status: string }>('POST', '/api/billing/accounts/project:buyer/checkout', { provider: 'test', credits: '5' });
    expect(checkout.status).toBe(201);
    expect(checkout.body).toMatchObject({ status: 'pending', url: expect.stringContaining('/checkout/') });
    const hook = payments.webhook({ type: 'paid', externalId: checkout.body.externalId });
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${gw.url}/api/public/payments/test/webhook`, { method: 'POST', headers: hook.headers, body: hook.body });
      expect(res.status).toBe(200);
    }
    expect((await balanceOf(gw, 'project:buyer')).balance).toBe(5_000_000);
    const payment = await gw.db('billing_payments').where({ id: checkout.body.id }).first();
    expect(payment.status).toBe('paid');
    await expectBooksBalanced(gw);
  });

  it('refuses a webhook with a bad signature, and records failed payments', async () => {
    const checkout = await gw.api<{ id: string; externalId: string }>('POST', '/api/billing/accounts/project:buyer2/checkout', { provider: 'test', amount: 1000 });
    const forged = await fetch(`${gw.url}/api/public/payments/test/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': '00'.repeat(32) },
      body: JSON.stringify({ type: 'paid', externalId: checkout.body.externalId }),
    });
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe('invalid_signature');
    const failed = payments.webhook({ type: 'failed', externalId: checkout.body.externalId });
    expect((await fetch(`${gw.url}/api/public/payments/test/webhook`, { method: 'POST', headers: failed.headers, body: failed.body })).status).toBe(200);
    expect((await gw.db('billing_payments').where({ id: checkout.body.id }).first()).status).toBe('failed');
    expect((await balanceOf(gw, 'project:buyer2')).balance).toBe(0);
    expect((await gw.api('POST', '/api/billing/accounts/project:buyer2/checkout', { provider: 'nope', amount: 1 })).status).toBe(400);
  });

  it('gives starter credits to new users once, only while sign-up is open', async () => {
    expect(await gw.billing.onUserCreated('early')).toEqual({ granted: 0 });
    await gw.api('PATCH', '/api/billing/settings', { signup: { open: true, starterCredits: 2_000_000, starterExpiresDays: 30 } });
    expect(await gw.billing.onUserCreated('newbie')).toEqual({ granted: 2_000_000 });
    expect(await gw.billing.onUserCreated('newbie')).toEqual({ granted: 0 });
    expect((await balanceOf(gw, 'user:newbie')).balance).toBe(2_000_000);
    const grants = await gw.api<{ data: Array<{ kind: string; expiresAt: number }> }>('GET', '/api/billing/accounts/user:newbie/grants');
    expect(grants.body.data).toEqual([expect.objectContaining({ kind: 'signup', expiresAt: expect.any(Number) })]);
    await gw.api('PATCH', '/api/billing/settings', { signup: { open: false } });
  });

  it('grants starter credits to users created through identity while sign-up is open', async () => {
    await gw.api('PATCH', '/api/billing/settings', { signup: { open: true, starterCredits: 1_500_000 } });
    const created = await gw.api<{ id: string }>('POST', '/api/users', { email: 'starter@example.com', role: 'member', password: 'a-long-enough-password' });
    expect(created.status).toBe(201);
    expect((await balanceOf(gw, `user:${created.body.id}`)).balance).toBe(1_500_000);
    await gw.api('PATCH', '/api/billing/settings', { signup: { open: false } });
    const later = await gw.api<{ id: string }>('POST', '/api/users', { email: 'later@example.com', role: 'member', password: 'a-long-enough-password' });
    expect((await balanceOf(gw, `user:${later.body.id}`)).balance).toBe(0);
  });

  it('lets a credit line take a balance below zero, never past it', async () => {
    await gw.api('POST', '/api/billing/accounts', { kind: 'user', ownerId: 'trusted', creditLimit: 60 });
    const first = await chat(gw, asUser('trusted'), { model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'go' }] });
    expect(first.status).toBe(200);
    const { balance } = await balanceOf(gw, 'user:trusted');
    expect(balance).toBeLessThan(0);
    expect(balance).toBeGreaterThanOrEqual(-60);
    // Lowering the line below what is owed is refused.
    const lower = await gw.api<{ error: { code: string } }>('PATCH', '/api/billing/accounts/user:trusted', { creditLimit: 0 });
    expect(lower.status).toBe(400);
    expect(lower.body.error.code).toBe('balance_below_credit_line');
    let last;
    for (let i = 0; i < 20; i++) {
      last = await chat(gw, asUser('trusted'), { model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'go' }] });
      if (last.status !== 200) break;
    }
    expect(last!.status).toBe(402);
    expect((await balanceOf(gw, 'user:trusted')).balance).toBeGreaterThanOrEqual(-60);
    await expectBooksBalanced(gw);
  });

  it('applies manual adjustments, never past the credit line', async () => {
    await topUp(gw, 'user:adjusted', 100);
    expect((await gw.api('POST', '/api/billing/accounts/user:adjusted/adjustments', { amount: -40, memo: 'correction' })).status).toBe(201);
    expect((await balanceOf(gw, 'user:adjusted')).balance).toBe(60);
    const over = await gw.api('POST', '/api/billing/accounts/user:adjusted/adjustments', { amount: -61, memo: 'too much' });
    expect(over.status).toBe(400);
    expect((await gw.api('POST', '/api/billing/accounts/someone/topups', { amount: 1 })).status).toBe(400);
    expect((await gw.api('POST', '/api/billing/accounts/user:x/topups', { amount: 0 })).status).toBe(400);
    expect((await gw.api('POST', '/api/billing/accounts/user:x/topups', { credits: '0.0000001' })).status).toBe(400);
    await expectBooksBalanced(gw);
  });

  it('requires the admin scope', async () => {
    const res = await fetch(`${gw.url}/api/billing/accounts`, { headers: asUser('mallory') });
    expect(res.status).toBe(403);
    expect((await fetch(`${gw.url}/api/billing/accounts`)).status).toBe(401);
  });
});
