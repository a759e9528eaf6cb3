import { describe, expect, it } from 'vitest';
import { FakeHost } from '../testing/fake-host';
import { ManualClock, flush } from '../testing/manual-clock';
import { chain, chatInput, compile, drain, graph, n, target } from '../testing/graphs';

const limited = (params: Record<string, unknown>) => compile(graph([n('rl', 'rate-limit', params), target('t', 'p', 'm')], chain(['rl', 'next'], 't')));

describe('rate-limit node', () => {
  it('allows rpm requests a minute per key, then answers 429 with retryAfterMs', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1, 0, 0, 0));
    const host = new FakeHost({ clock });
    const p = await limited({ rpm: 2 });
    expect((await p.run(chatInput(), host)).ok).toBe(true);
    expect((await p.run(chatInput(), host)).ok).toBe(true);
    const third = await p.run(chatInput(), host);
    expect(third.ok).toBe(false);
    if (third.ok) return;
    expect(third.error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    // The sliding-window counter is conservative: 2 requests at the window's start still weigh 1
    // half-way through the next minute, so one more fits at 90 s.
    expect(third.error.retryAfterMs).toBe(90_000);
    expect(third.error.message).toContain('2 requests per minute for this key');
    // Another key has its own budget.
    expect((await p.run(chatInput({ principal: { method: 'api-key', id: 'other', scopes: [] } }), host)).ok).toBe(true);
    expect(host.calls).toHaveLength(3);
  });

  it('slides: capacity comes back as the previous minute fades', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1, 0, 0, 30));
    const host = new FakeHost({ clock });
    const p = await limited({ rpm: 4, scope: 'global' });
    for (let i = 0; i < 4; i++) await p.run(chatInput(), host);
    await clock.advance(30_000); // next minute starts: the previous one still counts in full
    const denied = await p.run(chatInput(), host);
    expect(!denied.ok && denied.error.retryAfterMs).toBe(15_000);
    await clock.advance(15_000);
    expect((await p.run(chatInput(), host)).ok).toBe(true);
  });

  it('limits tokens, and corrects the count from the reported usage', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const host = new FakeHost({ clock, replies: { 'p/m': [{ usage: { prompt_tokens: 45, completion_tokens: 50 } }] } });
    const p = await limited({ tpm: 100 });
    expect((await p.run(chatInput(), host)).ok).toBe(true); // estimated 6, corrected to 95
    await flush();
    const r = await p.run(chatInput(), host);
    expect(!r.ok && r.error.code).toBe('tokens_rate_limit_exceeded');
    const huge = await p.run(chatInput({ principal: { method: 'api-key', id: 'k2', scopes: [] } }, { messages: [{ role: 'user', content: 'x'.repeat(1000) }] }), host);
    expect(!huge.ok && huge.error.message).toContain('larger than the limit of 100 tokens per minute');
  });

  it('corrects token counts from the usage chunk of a stream', async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const host = new FakeHost({ clock, replies: { 'p/m': [{ stream: ['hi'], usage: { prompt_tokens: 50, completion_tokens: 45 } }] } });
    const p = await limited({ tpm: 100 });
    const r = await p.run(chatInput({ stream: true }), host);
    if (r.ok && r.kind === 'stream') await drain(r.stream);
    await flush();
    expect((await p.run(chatInput(), host)).ok).toBe(false);
  });

  it("uses the key's own limits when told to", async () => {
    const host = new FakeHost();
    const p = await limited({ usePrincipalLimits: true, rpm: 100 });
    const principal = { method: 'api-key', id: 'strict', scopes: [], limits: { rpm: 1 } };
    expect((await p.run(chatInput({ principal }), host)).ok).toBe(true);
    expect((await p.run(chatInput({ principal }), host)).ok).toBe(false);
  });
});

describe('budget node', () => {
  const budgeted = () => compile(graph([n('b', 'budget', { scope: 'user' }), target('t', 'p', 'm')], chain(['b', 'next'], 't')));

  it('asks the host and refuses with 429 insufficient_quota', async () => {
    const checks: unknown[] = [];
    const host = new FakeHost({
      budget: (check) => {
        checks.push(check);
        return check.principal?.id === 'broke' ? { allowed: false, message: 'Credits exhausted for this user.' } : { allowed: true, remainingCredits: 12 };
      },
    });
    const p = await budgeted();
    const ok = await p.run(chatInput({}, { max_tokens: 300 }), host);
    expect(ok.ok).toBe(true);
    expect(ok.trace[0].decision).toBe('allowed (12 credits left)');
    expect(checks[0]).toMatchObject({ scope: 'user', kind: 'chat', model: 'gpt-4o-mini', maxOutputTokens: 300 });
    const refused = await p.run(chatInput({ principal: { method: 'api-key', id: 'broke', scopes: [] } }), host);
    expect(!refused.ok && refused.error).toMatchObject({ status: 429, type: 'insufficient_quota', message: 'Credits exhausted for this user.', retryable: false });
  });

  it('fails closed when the host has no budget check', async () => {
    const host = new FakeHost();
    (host as { checkBudget?: unknown }).checkBudget = undefined;
    const r = await (await budgeted()).run(chatInput(), host);
    expect(!r.ok && r.error.code).toBe('budget_unavailable');
    expect(host.calls).toHaveLength(0);
  });
});
