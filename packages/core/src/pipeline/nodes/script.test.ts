import { afterEach, describe, expect, it } from 'vitest';
import type { CompiledPipeline } from '../compile';
import { PipelineValidationError } from '../compile';
import { FakeHost } from '../testing/fake-host';
import { chatInput, compile, e, graph, n, target } from '../testing/graphs';

const compiled: CompiledPipeline[] = [];
async function scriptPipeline(code: string, extra: Record<string, unknown> = {}) {
  const p = await compile(
    graph(
      [n('s', 'script', { code, branches: [{ id: 'cheap' }], ...extra }), target('main', 'p', 'big'), target('cheap', 'p', 'small')],
      [e('s', 'next', 'main'), e('s', 'cheap', 'cheap')],
    ),
  );
  compiled.push(p);
  return p;
}

afterEach(async () => {
  while (compiled.length) await compiled.pop()!.dispose();
});

describe('script node', () => {
  it('changes the request for what follows', async () => {
    const p = await scriptPipeline('request.max_tokens = 50; request.messages.push({ role: "user", content: "more" }); request.stream = true;');
    const host = new FakeHost();
    const input = chatInput();
    const r = await p.run(input, host);
    expect(r.ok && r.target?.model).toBe('big');
    const sent = host.calls[0].request as { max_tokens: number; messages: unknown[]; stream?: boolean };
    expect(sent.max_tokens).toBe(50);
    expect(sent.messages).toHaveLength(2);
    expect(sent.stream).toBeUndefined(); // streaming stays the server's decision
    expect((input.body as { messages: unknown[] }).messages).toHaveLength(1);
  });

  it('chooses a branch by name, from context', async () => {
    const p = await scriptPipeline('return context.user.tier === "free" ? "cheap" : undefined;');
    const host = new FakeHost();
    const free = await p.run(chatInput({ user: { id: 'u', tier: 'free' } }), host);
    expect(free.ok && free.target?.model).toBe('small');
    expect(free.trace[0].decision).toBe('branch "cheap"');
    const paid = await p.run(chatInput({ user: { id: 'u', tier: 'pro' } }), host);
    expect(paid.ok && paid.target?.model).toBe('big');
  });

  it('returns { branch, request }', async () => {
    const p = await scriptPipeline('return { branch: "cheap", request: { ...request, temperature: 0 } };');
    const host = new FakeHost();
    await p.run(chatInput(), host);
    expect((host.calls[0].request as { temperature: number }).temperature).toBe(0);
    expect(host.calls[0].target.model).toBe('small');
  });

  it('never sees credentials', async () => {
    const p = await scriptPipeline('console.log(JSON.stringify(context.headers)); return undefined;');
    const r = await p.run(chatInput({ headers: { authorization: 'Bearer sk-topsecretvalue1', 'x-team': 'a' } }), new FakeHost());
    expect(r.trace[0].notes).toEqual(['log: {"x-team":"a"}']);
  });

  it.each([
    ['for (;;) {}', 'script_timeout'],
    ['throw new Error("bad " + request.messages[0].content)', 'script_threw'],
    ['return "nowhere"', 'script_invalid'],
    ['return 42', 'script_invalid'],
    ['return { request: { model: "m" } }', 'script_invalid'],
    ['return "z".repeat(10000)', 'script_output_too_large'],
  ])('fails its node cleanly: %s', async (code, errorCode) => {
    const p = await scriptPipeline(code, { cpuTimeoutMs: 30, maxOutputBytes: 2048 });
    const r = await p.run(chatInput(), new FakeHost());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.status).toBe(500);
    expect(r.error.code).toBe(errorCode);
    expect(r.error.message).not.toContain('Hello'); // the request text stays out of the client's error
    expect(r.trace[0]).toMatchObject({ nodeId: 's', status: 'error' });
    expect(['failed', 'invalid result']).toContain(r.trace[0].decision);
    expect(r.trace[0].notes?.length).toBeGreaterThan(0);
  });

  it('fails its node when memory runs out, and the next request works', async () => {
    const p = await scriptPipeline('if (context.metadata.bomb) { const a = []; for (;;) a.push(new Array(100000).fill(1)); } return undefined;', { memoryMb: 8, cpuTimeoutMs: 5000, wallTimeoutMs: 10000 });
    const bad = await p.run(chatInput({ metadata: { bomb: '1' } }), new FakeHost());
    expect(!bad.ok && bad.error.code).toBe('script_memory');
    const good = await p.run(chatInput(), new FakeHost());
    expect(good.ok).toBe(true);
  });

  it('refuses a script with a syntax error at compile time, pointing at params.code', async () => {
    const err = await scriptPipeline('return (').catch((x: unknown) => x);
    expect(err).toBeInstanceOf(PipelineValidationError);
    expect((err as PipelineValidationError).issues).toEqual([expect.objectContaining({ code: 'prepare_failed', nodeId: 's', field: 'params.code' })]);
  });
});
