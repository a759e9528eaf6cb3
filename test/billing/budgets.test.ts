import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BudgetCrossing } from '../../server/src/billing/budgets/budget-guard';
import { storageBackends } from '../support/backends';
import { asUser, chat, creditsMode, price, startBillingGateway, topUp, upstreamCalls, type BillingGateway } from './support';

const CARD = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 };
const ask = { model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'go' }] };

describe.each(await storageBackends())('budgets (%s)', (backend) => {
  let gw: BillingGateway;
  const soft: BudgetCrossing[] = [];
  const hard: BudgetCrossing[] = [];

  beforeAll(async () => {
    gw = await startBillingGateway(backend);
    await price(gw, 'up', 'mock-chat', CARD);
    gw.billing.events.on('budget.soft_limit', (c) => soft.push(c));
    gw.billing.events.on('budget.hard_limit', (c) => hard.push(c));
  });
  afterAll(() => gw?.stop());
  beforeEach(() => {
    soft.length = 0;
    hard.length = 0;
  });

  /** Spends until refused; returns the answers. */
  async function spendUntilRefused(headers: Record<string, string>, max = 20) {
    const answers = [];
    for (let i = 0; i < max; i++) {
      const r = await chat(gw, headers, ask);
      answers.push(r);
      if (r.status !== 200) break;
    }
    return answers;
  }

  it('blocks a user over a hard daily limit with 429 budget_exceeded before any upstream call (pay-your-own-keys mode)', async () => {
    const put = await gw.api<{ id: string }>('PUT', '/api/billing/budgets', { scope: 'user', scopeId: 'capped', period: 'day', softLimit: 4, hardLimit: 10 });
    expect(put.status).toBe(200);
    const answers = await spendUntilRefused(asUser('capped'));
    const last = answers[answers.length - 1];
    expect(last.status).toBe(429);
    expect(last.body.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    const spentBefore = answers.slice(0, -1).reduce((t, r) => t + r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens, 0);
    expect(spentBefore).toBeGreaterThanOrEqual(10);
    // Every request before the last was allowed because spend was still under the limit.
    expect(spentBefore - (answers[answers.length - 2].body.usage.prompt_tokens + 2 * answers[answers.length - 2].body.usage.completion_tokens)).toBeLessThan(10);

    const calls = upstreamCalls.count;
    const again = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { ...asUser('capped'), 'content-type': 'application/json' }, body: JSON.stringify(ask) });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(86_400);
    expect(upstreamCalls.count).toBe(calls);

    // The soft limit was announced once, the hard limit once, with a log line each.
    expect(soft).toHaveLength(1);
    expect(soft[0]).toMatchObject({ kind: 'soft', limit: 4, budget: { scope: 'user', scopeId: 'capped' } });
    expect(hard).toHaveLength(1);
    const list = await gw.api<{ data: Array<{ scopeId: string; spent: number; window: string }> }>('GET', '/api/billing/budgets');
    expect(list.body.data.find((b) => b.scopeId === 'capped')).toMatchObject({ spent: spentBefore, window: expect.stringMatching(/^day:\d{4}-\d{2}-\d{2}$/) });

    // Other users are not affected.
    expect((await chat(gw, asUser('uncapped'), ask)).status).toBe(200);
  });

  it('limits a key and a project as well as a user', async () => {
    await gw.api('PUT', '/api/billing/budgets', { scope: 'key', scopeId: 'key-limited', period: 'month', hardLimit: 1 });
    const keyAnswers = await spendUntilRefused(asUser('someone', undefined, 'key-limited'));
    expect(keyAnswers.map((r) => r.status)).toEqual([200, 429]);
    // The same user through another key is fine.
    expect((await chat(gw, asUser('someone', undefined, 'key-other'), ask)).status).toBe(200);

    await gw.api('PUT', '/api/billing/budgets', { scope: 'project', scopeId: 'proj-limited', period: 'week', hardLimit: 1 });
    expect((await spendUntilRefused(asUser('member', 'proj-limited'))).map((r) => r.status)).toEqual([200, 429]);
  });

  it('counts what payers are charged in credits mode, and can be raised or removed', async () => {
    await creditsMode(gw);
    await topUp(gw, 'user:budgeted', 1_000_000);
    const put = await gw.api<{ id: string }>('PUT', '/api/billing/budgets', { scope: 'user', scopeId: 'budgeted', period: 'month', hardLimit: 5 });
    const answers = await spendUntilRefused(asUser('budgeted'));
    expect(answers[answers.length - 1].status).toBe(429);
    const charged = 1_000_000 - (await gw.api<{ balance: number }>('GET', '/api/billing/accounts/user:budgeted')).body.balance;
    const list = await gw.api<{ data: Array<{ id: string; spent: number }> }>('GET', '/api/billing/budgets');
    expect(list.body.data.find((b) => b.id === put.body.id)?.spent).toBe(charged);

    await gw.api('PATCH', `/api/billing/budgets/${put.body.id}`, { hardLimit: 1_000_000 });
    expect((await chat(gw, asUser('budgeted'), ask)).status).toBe(200);
    await gw.api('PATCH', `/api/billing/budgets/${put.body.id}`, { hardLimit: 1 });
    expect((await chat(gw, asUser('budgeted'), ask)).status).toBe(429);
    expect((await gw.api('DELETE', `/api/billing/budgets/${put.body.id}`)).status).toBe(204);
    expect((await chat(gw, asUser('budgeted'), ask)).status).toBe(200);
    await gw.api('PATCH', '/api/billing/settings', { mode: 'byok' });
  });

  it('answers pipelines\' budget checks', async () => {
    await gw.api('PUT', '/api/billing/budgets', { scope: 'user', scopeId: 'piped', period: 'day', hardLimit: 1_000_000 });
    const principal = { method: 'test', id: 'k', userId: 'piped', scopes: ['*'] };
    expect(await gw.billing.checkBudget({ scope: 'user', principal, kind: 'chat', model: 'chat', estimatedPromptTokens: 1 } as never)).toEqual({ allowed: true, remainingCredits: 1 });
    await gw.api('PUT', '/api/billing/budgets', { scope: 'user', scopeId: 'piped', period: 'day', hardLimit: 0 });
    expect(await gw.billing.checkBudget({ scope: 'user', principal, kind: 'chat', model: 'chat', estimatedPromptTokens: 1 } as never)).toMatchObject({ allowed: false, remainingCredits: 0 });
  });

  it('validates budgets', async () => {
    expect((await gw.api('PUT', '/api/billing/budgets', { scope: 'team', scopeId: 'x', period: 'day' })).status).toBe(400);
    expect((await gw.api('PUT', '/api/billing/budgets', { scope: 'user', scopeId: 'x', period: 'year' })).status).toBe(400);
    expect((await gw.api('PUT', '/api/billing/budgets', { scope: 'user', scopeId: 'x', period: 'day', hardLimit: -1 })).status).toBe(400);
  });
});
