import { expectOpenAIValid } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { readJournal } from '../../server/src/journal/journal-recovery';
import type { ChargeNotice, UsageJournalRecord } from '../../server/src/usage/charge-notice';
import { storageBackends } from '../support/backends';
import {
  asUser,
  balanceOf,
  chat,
  creditsMode,
  expectBooksBalanced,
  price,
  settlements,
  startBillingGateway,
  topUp,
  upstreamCalls,
  type BillingGateway,
} from './support';

/** The records of every usage journal folder under a data folder. */
function journalRecords(dataDir: string): UsageJournalRecord[] {
  const base = path.join(dataDir, 'usage-journal');
  return existsSync(base) ? readdirSync(base).flatMap((name) => readJournal<UsageJournalRecord>(path.join(base, name))) : [];
}

/** Credits mode end to end, through the real HTTP gateway: who pays, how much, and the books. */
describe.each(await storageBackends())('credits (%s)', (backend) => {
  let gw: BillingGateway;
  // 1 micro-credit per prompt token, 2 per completion token: charges are easy to check by hand.
  const CARD = { inputPer1M: 1_000_000, outputPer1M: 2_000_000 };

  beforeAll(async () => {
    gw = await startBillingGateway(backend);
    for (const p of ['up', 'slow', 'down', 'silent']) await price(gw, p, 'mock-chat', CARD);
    await price(gw, 'up', 'mock-embed', { embeddingPer1M: 3_000_000 });
    await price(gw, 'up', 'mock-image', { perImage: { '256x256/*': 5_000, '*': 9_000 } });
  });
  afterAll(() => gw?.stop());
  beforeEach(() => {
    gw.summaries.length = 0;
  });

  it('tracks cost in pay-your-own-keys mode without charging anyone', async () => {
    expect(gw.billing.settings.mode).toBe('byok');
    const r = await chat(gw, asUser('byok-user'), { model: 'chat', messages: [{ role: 'user', content: 'hello there friend' }] });
    expect(r.status).toBe(200);
    const [s] = await gw.waitForSummaries(1);
    const u = r.body.usage;
    expect(s.attempts[0].costMicros).toBe(u.prompt_tokens * 1 + u.completion_tokens * 2);
    expect(s.attempts[0].creditsMicros).toBe(0);
    expect(s.attempts[0].billing).toMatchObject({ mode: 'byok', priced: true, chargedMicroCredits: 0 });
    expect(s.attempts[0].billing?.payer).toBeUndefined();
    expect(await settlements(gw)).toEqual([]);
    expect(await gw.db('billing_holds')).toEqual([]);
  });

  describe('in credits mode', () => {
    beforeAll(() => creditsMode(gw));

    it('charges the user exactly the usage at the price, and the books balance', async () => {
      await topUp(gw, 'user:alice', 1_000_000);
      const r = await chat(gw, asUser('alice'), { model: 'chat', max_tokens: 50, messages: [{ role: 'user', content: 'one two three four' }] });
      expect(r.status).toBe(200);
      const expected = r.body.usage.prompt_tokens + 2 * r.body.usage.completion_tokens;
      expect(await balanceOf(gw, 'user:alice')).toMatchObject({ balance: 1_000_000 - expected, held: 0 });

      const [s] = await gw.waitForSummaries(1);
      const rows = await settlements(gw, { account_id: 'user:alice' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ request_id: r.requestId, status: 'settled', charged: expected, collected: expected, prompt_tokens: r.body.usage.prompt_tokens });
      expect(Number(rows[0].reserved)).toBeGreaterThanOrEqual(expected);
      expect(s.attempts[0]).toMatchObject({ creditsMicros: expected, costMicros: expected, billing: { payer: 'user:alice', settlementId: rows[0].id, chargedMicroCredits: expected } });
      await expectBooksBalanced(gw);
    });

    it('puts a charge notice in the usage journal before it commits a charge, and lets it go once the usage event is stored', async () => {
      await topUp(gw, 'user:noticed', 1_000_000);
      const seen: Array<{ requestId: string; settledBefore: number; onDisk: boolean }> = [];
      let settled = 0;
      const offSettled = gw.billing.events.on('settled', () => void settled++);
      // The gateway's own listener (registered at start, so it runs first) has written the notice when this one runs.
      const offSettling = gw.billing.events.on('settling', (c) => {
        const notices = journalRecords(gw.dataDir).filter((r) => (r as ChargeNotice).kind === 'charge-notice' && r.requestId === c.start.requestId);
        seen.push({ requestId: c.start.requestId, settledBefore: settled, onDisk: notices.length === 1 });
      });
      const r = await chat(gw, asUser('noticed'), { model: 'chat', max_tokens: 20, messages: [{ role: 'user', content: 'note this' }] });
      offSettling();
      offSettled();
      expect(r.status).toBe(200);
      expect(seen).toEqual([{ requestId: r.requestId, settledBefore: 0, onDisk: true }]);
      expect(settled).toBe(1);
      // Once the request's usage event is stored, the journal holds nothing of it that is pending.
      await gw.waitForSummaries(1);
      await gw.observability.usage.recorder.flush();
      expect(gw.observability.usage.recorder.status().journaled).toBe(0);
    });

    it('charges the project when the caller has one, not the user', async () => {
      await topUp(gw, 'project:p1', 1_000_000);
      await topUp(gw, 'user:bob', 1_000_000);
      const r = await chat(gw, asUser('bob', 'p1'), { model: 'chat', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
      expect(r.status).toBe(200);
      expect((await balanceOf(gw, 'project:p1')).balance).toBeLessThan(1_000_000);
      expect((await balanceOf(gw, 'user:bob')).balance).toBe(1_000_000);
    });

    it('never charges the admin key', async () => {
      const before = await settlements(gw);
      const r = await chat(gw, gw.auth, { model: 'chat', messages: [{ role: 'user', content: 'admin call' }] });
      expect(r.status).toBe(200);
      expect(await settlements(gw)).toHaveLength(before.length);
      const [s] = await gw.waitForSummaries(1);
      expect(s.attempts[0].creditsMicros).toBe(0);
    });

    it('answers 402 insufficient_credits before any upstream call, and charges nothing', async () => {
      await topUp(gw, 'user:poor', 10);
      const calls = upstreamCalls.count;
      const r = await chat(gw, asUser('poor'), { model: 'chat', max_tokens: 100, messages: [{ role: 'user', content: 'please answer at length' }] });
      expect(r.status).toBe(402);
      expect(r.body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_credits' });
      expect(r.body.error.message).toMatch(/enough credits/);
      expect(upstreamCalls.count).toBe(calls);
      expect(await balanceOf(gw, 'user:poor')).toMatchObject({ balance: 10, held: 0 });
      expect(await settlements(gw, { account_id: 'user:poor' })).toEqual([]);
      // A payer with no account at all is refused the same way.
      const none = await chat(gw, asUser('nobody'), { model: 'chat', messages: [{ role: 'user', content: 'x' }] });
      expect(none.status).toBe(402);
      expect(upstreamCalls.count).toBe(calls);
    });

    it('refuses a model with no price (unless unpriced models are free), before any upstream call', async () => {
      await topUp(gw, 'user:carol', 1_000_000);
      const calls = upstreamCalls.count;
      const r = await chat(gw, asUser('carol'), { model: 'unpriced-chat', messages: [{ role: 'user', content: 'x' }] });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('model_not_priced');
      expect(upstreamCalls.count).toBe(calls);

      await gw.api('PATCH', '/api/billing/settings', { unpriced: 'free' });
      const free = await chat(gw, asUser('carol'), { model: 'unpriced-chat', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
      expect(free.status).toBe(200);
      expect((await balanceOf(gw, 'user:carol')).balance).toBe(1_000_000);
      await gw.api('PATCH', '/api/billing/settings', { unpriced: 'block' });
    });

    it('releases everything when the upstream fails', async () => {
      await topUp(gw, 'user:dave', 1_000_000);
      const r = await chat(gw, asUser('dave'), { model: 'down-chat', messages: [{ role: 'user', content: 'x' }] });
      expect(r.status).toBe(500);
      expect(await balanceOf(gw, 'user:dave')).toMatchObject({ balance: 1_000_000, held: 0 });
      const rows = await settlements(gw, { account_id: 'user:dave' });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: 'released', charged: 0, collected: 0 });
      const ledger = await gw.api<{ data: Array<{ kind: string }> }>('GET', '/api/billing/accounts/user:dave/ledger');
      expect(ledger.body.data.map((e) => e.kind)).toEqual(['release', 'reserve', 'topup']);
      await expectBooksBalanced(gw);
    });

    it('bills a complete stream with the upstream usage', async () => {
      await topUp(gw, 'user:erin', 1_000_000);
      const r = await chat(gw, asUser('erin'), { model: 'chat', stream: true, stream_options: { include_usage: true }, max_tokens: 30, messages: [{ role: 'user', content: 'a b c d' }] });
      expect(r.status).toBe(200);
      const usageLine = String(r.body).split('\n').filter((l) => l.startsWith('data: {') && l.includes('"usage":{')).pop()!;
      const usage = JSON.parse(usageLine.slice(6)).usage;
      const expected = usage.prompt_tokens + 2 * usage.completion_tokens;
      expect((await balanceOf(gw, 'user:erin')).balance).toBe(1_000_000 - expected);
      const [s] = await gw.waitForSummaries(1);
      expect(s.attempts[0].billing).toMatchObject({ usageCountedLocally: false, chargedMicroCredits: expected });
    });

    it('counts the delivered text with the tokenizer when the upstream reports no usage', async () => {
      await topUp(gw, 'user:finn', 1_000_000);
      const r = await chat(gw, asUser('finn'), { model: 'silent-chat', stream: true, max_tokens: 30, messages: [{ role: 'user', content: 'seven eight nine ten' }] });
      expect(r.status).toBe(200);
      const [s] = await gw.waitForSummaries(1);
      const a = s.attempts[0];
      expect(a.usage).toBeUndefined();
      expect(a.deliveredText).toBe('seven eight nine ten');
      expect(a.billing?.usageCountedLocally).toBe(true);
      const billed = a.billing!.usage!;
      expect(billed.completion_tokens).toBeGreaterThan(0);
      expect(billed.prompt_tokens).toBeGreaterThan(0);
      const charged = billed.prompt_tokens + 2 * billed.completion_tokens;
      expect(a.billing?.chargedMicroCredits).toBe(charged);
      expect((await balanceOf(gw, 'user:finn')).balance).toBe(1_000_000 - charged);
      expect((await settlements(gw, { account_id: 'user:finn' }))[0]).toMatchObject({ counted_locally: expect.anything(), charged });
    });

    it('bills what a cut stream delivered, and returns the rest of the hold', async () => {
      await topUp(gw, 'user:gina', 1_000_000);
      const controller = new AbortController();
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...asUser('gina'), 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow-chat', stream: true, max_tokens: 40, messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten eleven twelve' }] }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('" two"')) seen += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      const [s] = await gw.waitForSummaries(1);
      const a = s.attempts[0];
      expect(a.cut).toBe(true);
      expect(a.billing?.usageCountedLocally).toBe(true);
      const billed = a.billing!.usage!;
      const full = a.billing!.reservedMicroCredits;
      const charged = billed.prompt_tokens + 2 * billed.completion_tokens;
      expect(a.billing?.chargedMicroCredits).toBe(charged);
      expect(charged).toBeLessThan(full);
      expect(await balanceOf(gw, 'user:gina')).toEqual(expect.objectContaining({ balance: 1_000_000 - charged, held: 0 }));
      await expectBooksBalanced(gw);
    });

    it('bills embeddings per token and images per image', async () => {
      await topUp(gw, 'user:hal', 1_000_000);
      const e = await fetch(`${gw.url}/v1/embeddings`, { method: 'POST', headers: { ...asUser('hal'), 'content-type': 'application/json' }, body: JSON.stringify({ model: 'embed', input: 'three small words' }) });
      const eb = await e.json();
      expect(e.status).toBe(200);
      expect((await balanceOf(gw, 'user:hal')).balance).toBe(1_000_000 - 3 * eb.usage.prompt_tokens);
      const i = await fetch(`${gw.url}/v1/images/generations`, { method: 'POST', headers: { ...asUser('hal'), 'content-type': 'application/json' }, body: JSON.stringify({ model: 'image', prompt: 'a fox', n: 2, size: '256x256' }) });
      expect(i.status).toBe(200);
      expect((await balanceOf(gw, 'user:hal')).balance).toBe(1_000_000 - 3 * eb.usage.prompt_tokens - 2 * 5_000);
      await expectBooksBalanced(gw);
    });

    it('matches every settled attempt to its request summary, and every summary with a payer to a settlement', async () => {
      const rows = await settlements(gw);
      const byId = new Map(rows.map((r) => [r.id, r]));
      await topUp(gw, 'user:ivy', 1_000_000);
      for (let i = 0; i < 3; i++) await chat(gw, asUser('ivy'), { model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: `question ${i}` }] });
      const summaries = await gw.waitForSummaries(3);
      const after = await settlements(gw, { account_id: 'user:ivy' });
      expect(after).toHaveLength(3);
      for (const s of summaries) {
        const a = s.attempts[0];
        const row = after.find((r) => r.id === a.billing?.settlementId)!;
        expect(row).toBeDefined();
        expect(byId.has(row.id)).toBe(false);
        expect(row).toMatchObject({ request_id: s.requestId, charged: a.billing!.chargedMicroCredits, collected: a.creditsMicros });
      }
      const listed = await gw.api<{ data: Array<{ requestId: string; charged: number; status: string }> }>('GET', '/api/billing/settlements?account=user:ivy');
      expect(listed.body.data.map((r) => r.requestId).sort()).toEqual(summaries.map((s) => s.requestId).sort());
    });
  });

  describe('prices', () => {
    it('keeps every change in the price history and applies the new price to the next request', async () => {
      const id = await price(gw, 'up', 'mock-chat', { inputPer1M: 1_000_000, outputPer1M: 4_000_000 });
      const history = await gw.api<{ data: Array<{ version: number; action: string; snapshot: { cost: Record<string, number> } }> }>('GET', `/api/billing/prices/${id}/history`);
      expect(history.body.data.map((h) => h.action)).toEqual(['update', 'create']);
      expect(history.body.data[0].snapshot.cost.outputPer1M).toBe(4_000_000);
      expect(history.body.data[1].snapshot.cost.outputPer1M).toBe(2_000_000);

      await creditsMode(gw);
      await topUp(gw, 'user:jay', 1_000_000);
      const r = await chat(gw, asUser('jay'), { model: 'chat', max_tokens: 10, messages: [{ role: 'user', content: 'x y' }] });
      expect((await balanceOf(gw, 'user:jay')).balance).toBe(1_000_000 - r.body.usage.prompt_tokens - 4 * r.body.usage.completion_tokens);
      await price(gw, 'up', 'mock-chat', CARD);
    });

    it('applies a markup over cost, or a custom price', async () => {
      const id = await price(gw, 'up', 'mock-embed', { embeddingPer1M: 3_000_000 });
      const marked = await gw.api<{ price: Record<string, number> }>('PATCH', `/api/billing/prices/${id}`, { markupBp: 5000 });
      expect(marked.body.price.embeddingPer1M).toBe(4_500_000);
      const custom = await gw.api<{ price: Record<string, number> }>('PATCH', `/api/billing/prices/${id}`, { pricing: 'custom', custom: { embeddingPer1M: 7 } });
      expect(custom.body.price).toEqual({ embeddingPer1M: 7 });
      const bad = await gw.api<{ error: { code: string } }>('PATCH', `/api/billing/prices/${id}`, { custom: { embeddingPer1M: 0.5 } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_price');
      await gw.api('PATCH', `/api/billing/prices/${id}`, { pricing: 'markup', markupBp: null, custom: null });
    });

    it('seeds the list prices with their date, resolvable for dated model ids', async () => {
      const list = await gw.api<{ data: Array<{ scopeId: string; model: string; listDate: string; cost: Record<string, number>; source: string }> }>('GET', '/api/billing/prices?scope=plugin&scopeId=openai&model=gpt-4o');
      expect(list.body.data[0]).toMatchObject({ source: 'seed', cost: { inputPer1M: 2_500_000, outputPer1M: 10_000_000, cachedInputPer1M: 1_250_000 } });
      expect(list.body.data[0].listDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // No provider named 'openai' is configured here; an unknown provider id is looked up as a plugin id.
      expect(gw.billing.priceFor('openai', 'gpt-4o-2024-08-06')?.cost.outputPer1M).toBe(10_000_000);
      expect(gw.billing.priceFor('bedrock', 'us.anthropic.claude-3-haiku-20240307-v1:0')?.cost.inputPer1M).toBe(250_000);
      expect(gw.billing.priceFor('openai', 'o3-pro')).toBeUndefined();
    });

    it('shows prices and capabilities in /v1/models, still valid against OpenAI\'s schema', async () => {
      const r = await fetch(`${gw.url}/v1/models`, { headers: gw.auth });
      const body = await r.json();
      expectOpenAIValid('ListModelsResponse', body);
      const m = body.data.find((x: { id: string }) => x.id === 'chat');
      expect(m.pricing).toMatchObject({ currency: 'credits', input_per_1m: '1', output_per_1m: '2', max_output_tokens: 4096 });
      expect(body.data.find((x: { id: string }) => x.id === 'unpriced-chat').pricing).toBeNull();
      const one = await (await fetch(`${gw.url}/v1/models/image`, { headers: gw.auth })).json();
      expect(one.pricing.per_image).toEqual({ '256x256/*': '0.005', '*': '0.009' });
    });

    it('lists models and prices publicly only when the operator enables it', async () => {
      expect((await fetch(`${gw.url}/api/public/models`)).status).toBe(404);
      await gw.api('PATCH', '/api/billing/settings', { publicModels: true });
      const r = await fetch(`${gw.url}/api/public/models`);
      expect(r.status).toBe(200);
      const body = await r.json();
      expect(body.data.find((x: { id: string }) => x.id === 'embed')).toMatchObject({ pricing: { embedding_per_1m: '3' } });
      await gw.api('PATCH', '/api/billing/settings', { publicModels: false });
    });
  });

  describe('settings', () => {
    it('refuses an unknown rule or invalid rule settings', async () => {
      const unknown = await gw.api<{ error: { code: string; message: string } }>('PATCH', '/api/billing/settings', { rule: { plugin: 'nope' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(/no billing plugin 'nope'/);
      const invalid = await gw.api('PATCH', '/api/billing/settings', { rule: { plugin: 'volume-tiers', settings: { tiers: [{ fromTokens: 5, pricePercent: 50 }] } } });
      expect(invalid.status).toBe(400);
      const mode = await gw.api('PATCH', '/api/billing/settings', { mode: 'free-for-all' });
      expect(mode.status).toBe(400);
    });

    it('lists the billing rules that are loaded', async () => {
      const r = await gw.api<{ availableRules: Array<{ id: string }> }>('GET', '/api/billing/settings');
      expect(r.body.availableRules.map((x) => x.id)).toEqual(expect.arrayContaining(['token-rates', 'free-allowance', 'volume-tiers']));
    });
  });
});
