import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '@switchyard/spec';
import { FakeHost } from '../testing/fake-host';
import { ManualClock } from '../testing/manual-clock';
import { chain, chatInput, compile, drain, e, graph, n, target } from '../testing/graphs';

describe('target node', () => {
  it('merges param overrides and passes credential and call details to the host', async () => {
    const host = new FakeHost();
    const p = await compile(graph([target('t', 'openai', 'gpt-4o', { credentialId: 'cred_1', params: { temperature: 0, max_tokens: 10 } })]));
    const input = chatInput({ pipelineId: 'pl_1' }, { temperature: 1 });
    const r = await p.run(input, host);
    expect(r.ok && r.target).toEqual({ provider: 'openai', model: 'gpt-4o', credentialId: 'cred_1', params: { temperature: 0, max_tokens: 10 } });
    const call = host.calls[0];
    expect(call.request).toMatchObject({ temperature: 0, max_tokens: 10, model: 'gpt-4o-mini' });
    expect(call.call).toMatchObject({ kind: 'chat', stream: false, attempt: 1, requestId: 'req_1', nodeId: 't', pipelineId: 'pl_1' });
    expect(r.attempts[0]).toMatchObject({ nodeId: 't', provider: 'openai', model: 'gpt-4o', credentialId: 'cred_1', status: 'ok', attempt: 1 });
    expect((input.body as { temperature: number }).temperature).toBe(1);
  });

  it("uses the request's model when it has none", async () => {
    const host = new FakeHost();
    const r = await (await compile(graph([target('t', 'openai')]))).run(chatInput({}, { model: 'o3' }), host);
    expect(r.ok && r.target).toEqual({ provider: 'openai', model: 'o3' });
  });
});

describe('reply and reject nodes', () => {
  it('replies with a fixed message, as JSON or as a stream', async () => {
    const p = await compile(graph([n('r', 'reply', { content: 'Closed for maintenance, {{user.name}}.' })]));
    const host = new FakeHost();
    const json = await p.run(chatInput({ user: { id: 'u', name: 'Ada' } }), host);
    expect(json.ok && json.kind === 'json' && (json.response as ChatCompletion).choices[0].message.content).toBe('Closed for maintenance, Ada.');
    const stream = await p.run(chatInput({ stream: true, user: { name: 'Bo' } }), host);
    if (!stream.ok || stream.kind !== 'stream') throw new Error('expected a stream');
    expect((await drain(stream.stream)).text).toBe('Closed for maintenance, Bo.');
    expect(host.calls).toHaveLength(0);
    expect(json.attempts).toHaveLength(0);
  });

  it('rejects with the configured OpenAI-shaped error, and a fallback does not move past it', async () => {
    const g = graph(
      [n('fb', 'fallback', { branches: [{ id: 'a' }, { id: 'b' }] }), n('no', 'reject', { status: 403, message: 'This model is not for your team.', code: 'team_forbidden' }), target('t', 'p', 'm')],
      [e('fb', 'a', 'no'), e('fb', 'b', 't')],
    );
    const r = await (await compile(g)).run(chatInput(), new FakeHost());
    expect(!r.ok && r.error).toMatchObject({ status: 403, type: 'permission_error', code: 'team_forbidden', message: 'This model is not for your team.' });
    expect(!r.ok && (r.error as unknown as { toBody(): unknown }).toBody()).toEqual({
      error: { message: 'This model is not for your team.', type: 'permission_error', param: null, code: 'team_forbidden' },
    });
  });
});

describe('timeout node on JSON answers', () => {
  it('gives the tighter limit to a non-streamed answer and aborts the call', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p/m': [{ delayMs: 800, then: {} }] } });
    const p = await compile(graph([n('to', 'timeout', { ttftMs: 500, totalMs: 5000 }), target('t', 'p', 'm')], chain(['to', 'next'], 't')));
    const r = await clock.run(p.run(chatInput(), host));
    expect(!r.ok && r.error).toMatchObject({ status: 504, code: 'ttft_timeout', retryable: true });
    expect(host.calls[0].call.signal.aborted).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('lets a fast answer through and clears its timer', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock, replies: { 'p/m': [{ delayMs: 100, then: {} }] } });
    const p = await compile(graph([n('to', 'timeout', { totalMs: 500 }), target('t', 'p', 'm')], chain(['to', 'next'], 't')));
    const r = await clock.run(p.run(chatInput(), host));
    expect(r.ok).toBe(true);
    expect(r.trace[0].decision).toBe('in time');
    expect(clock.pending).toBe(0);
  });

  it('does not wait for a host that ignores the abort signal', async () => {
    const clock = new ManualClock();
    const host = new FakeHost({ clock });
    host.invokeTarget = () => new Promise(() => {}); // deaf to aborts
    const p = await compile(graph([n('to', 'timeout', { totalMs: 300 }), target('t', 'p', 'm')], chain(['to', 'next'], 't')));
    const r = await clock.run(p.run(chatInput(), host));
    expect(!r.ok && r.error.code).toBe('timeout');
  });
});
