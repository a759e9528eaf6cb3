import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest } from '@switchyard/spec';
import { FakeHost } from '../testing/fake-host';
import { chain, chatInput, compile, graph, n, target } from '../testing/graphs';

async function sent(params: Record<string, unknown>, input = chatInput()) {
  const host = new FakeHost();
  const p = await compile(graph([n('x', 'transform', params), target('t', 'p')], chain(['x', 'next'], 't')));
  const r = await p.run(input, host);
  return { request: host.calls[0]?.request as ChatCompletionRequest, target: host.calls[0]?.target, r, input };
}

describe('transform node', () => {
  it('sets, defaults and removes params without touching the original request', async () => {
    const input = chatInput({}, { temperature: 0.9, top_p: 0.5, user: 'someone' });
    const { request, r } = await sent({ set: { temperature: 0.2 }, defaults: { max_tokens: 256, top_p: 1 }, remove: ['user'] }, input);
    expect(request).toMatchObject({ temperature: 0.2, max_tokens: 256, top_p: 0.5 });
    expect(request.user).toBeUndefined();
    expect(input.body).toMatchObject({ temperature: 0.9, user: 'someone' });
    expect(r.trace[0].decision).toBe('set temperature; defaults for max_tokens, top_p; removed user');
  });

  it('maps models, and the target uses the mapped model', async () => {
    const { request, target } = await sent({ modelMap: { 'gpt-4o-mini': 'llama-3.1-8b', '*': 'fallback-model' } });
    expect(request.model).toBe('llama-3.1-8b');
    expect(target).toEqual({ provider: 'p', model: 'llama-3.1-8b' });
    const other = await sent({ modelMap: { 'gpt-4o-mini': 'x', '*': 'fallback-model' } }, chatInput({}, { model: 'unknown' }));
    expect(other.request.model).toBe('fallback-model');
    const forced = await sent({ model: 'forced' });
    expect(forced.request.model).toBe('forced');
  });

  it('adds a system prompt from a template (prepend, append, replace)', async () => {
    const input = chatInput({ user: { id: 'u', name: 'Ada' }, metadata: { topic: 'tides' } }, {
      messages: [
        { role: 'system', content: 'client system' },
        { role: 'user', content: 'hi' },
      ],
    });
    const template = 'Help {{user.name}} with {{topic}} in a {{tone}} tone.';
    const pre = await sent({ system: { template }, variables: { tone: 'calm' } }, input);
    expect(pre.request.messages.map((m) => m.content)).toEqual(['Help Ada with tides in a calm tone.', 'client system', 'hi']);
    const app = await sent({ system: { template: 'extra', mode: 'append' } }, input);
    expect(app.request.messages.map((m) => m.content)).toEqual(['client system', 'extra', 'hi']);
    const rep = await sent({ system: { template: 'only', mode: 'replace' } }, input);
    expect(rep.request.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', 'only'],
      ['user', 'hi'],
    ]);
  });

  it("fills placeholders in the client's messages when asked", async () => {
    const input = chatInput({ metadata: { city: 'Lyon' } }, { messages: [{ role: 'user', content: 'Weather in {{city}}? {{unclosed' }] });
    const { request } = await sent({ renderMessages: true }, input);
    expect(request.messages[0].content).toBe('Weather in {{city}}? {{unclosed');
    const ok = await sent({ renderMessages: true }, chatInput({ metadata: { city: 'Lyon' } }, { messages: [{ role: 'user', content: 'Weather in {{city}}?' }] }));
    expect(ok.request.messages[0].content).toBe('Weather in Lyon?');
  });

  it('refuses params that would touch streaming or messages', async () => {
    await expect(compile(graph([n('x', 'transform', { set: { stream: true } }), target('t', 'p')], chain(['x', 'next'], 't')))).rejects.toMatchObject({
      issues: expect.arrayContaining([expect.objectContaining({ code: 'invalid_params', nodeId: 'x', field: 'params.set' })]),
    });
  });

  it('keeps its values safe from what follows', async () => {
    const host = new FakeHost();
    const p = await compile(graph([n('x', 'transform', { set: { metadata: { team: 'a' } } }), target('t', 'p')], chain(['x', 'next'], 't')));
    await p.run(chatInput(), host);
    const meta = (host.calls[0].request as { metadata: Record<string, string> }).metadata;
    expect(() => {
      meta.team = 'b';
    }).toThrow();
  });
});
