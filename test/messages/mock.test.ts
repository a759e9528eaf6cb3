import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestSummary } from '../../server/src/dispatch/hooks';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from '../support/gateway';
import { anthropicClient, errorType, PNG_1X1 } from './support';

/**
 * /v1/messages with the mock provider: the gateway-side behaviour that does not depend on an
 * upstream (headers, auth and scopes, per-key model access, request accounting, raw error bodies).
 * Upstream translation is covered per provider in the emulator suites beside this file.
 */
describe('/v1/messages with the mock provider', () => {
  let gw: TestGateway;
  let client: Anthropic;
  const summaries: RequestSummary[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({
      env: { SWITCHYARD_BODY_LIMIT: '64kb' },
      hooks: [{ onRequestEnd: (s) => void summaries.push(s) }],
      config: {
        providers: [
          { id: 'mock', plugin: 'mock', settings: {} },
          { id: 'broken', plugin: 'mock', settings: { failures: [{ status: 503 }] } },
        ],
        models: [
          { id: 'mock-chat', provider: 'mock', aliases: ['claude-test'] },
          { id: 'broken-chat', provider: 'broken' },
        ],
        pipelines: [],
      },
    });
    client = anthropicClient(gw);
  });
  afterAll(() => gw?.stop());

  const post = (body: unknown, headers: Record<string, string> = { 'x-api-key': TEST_ADMIN_KEY }) =>
    fetch(`${gw.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers through the dispatcher and is recorded as a messages request', async () => {
    const { data: message, response } = await client.messages.create({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'echo me' }] }).withResponse();
    expect(message.content).toEqual([{ type: 'text', text: 'echo me', citations: null }]);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBe(2);
    const requestId = response.headers.get('request-id');
    expect(requestId).toBeTruthy();
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const summary = summaries.find((s) => s.requestId === requestId);
    expect(summary).toMatchObject({ endpoint: 'messages', status: 200, stream: false, requestedModel: 'claude-test' });
    expect(summary!.final).toMatchObject({ providerId: 'mock', modelId: 'mock-chat', usage: { completion_tokens: 2 } });
  });

  it('records a streamed request once it ends, with its usage', async () => {
    const stream = client.messages.stream({ model: 'mock-chat', max_tokens: 50, messages: [{ role: 'user', content: 'one two three' }] });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'one two three', citations: null }]);
    expect(final.usage.output_tokens).toBe(3);
    const requestId = stream.request_id ?? (await stream.withResponse()).response.headers.get('request-id');
    await expect.poll(() => summaries.find((s) => s.requestId === requestId)).toMatchObject({ endpoint: 'messages', status: 200, stream: true });
  });

  it('echoes anthropic-version whatever it is, and names dropped parameters', async () => {
    const res = await post({ model: 'mock-chat', max_tokens: 20, top_k: 5, messages: [{ role: 'user', content: 'hi' }] }, { 'x-api-key': TEST_ADMIN_KEY, 'anthropic-version': '2099-01-01' });
    expect(res.status).toBe(200);
    expect(res.headers.get('anthropic-version')).toBe('2099-01-01');
    expect(res.headers.get('x-switchyard-dropped-params')).toBe('top_k');
    const plain = await post({ model: 'mock-chat', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.headers.get('x-switchyard-dropped-params')).toBeNull();
  });

  it('calls the tools the request declares and takes their results back', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }];
    const first = await client.messages.create({ model: 'mock-chat', max_tokens: 50, tools, messages: [{ role: 'user', content: 'find it' }] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content[0] as Anthropic.ToolUseBlock;
    expect(use).toMatchObject({ type: 'tool_use', name: 'lookup', input: { q: 'sample q' } });
    const second = await client.messages.create({
      model: 'mock-chat',
      max_tokens: 50,
      tools,
      messages: [
        { role: 'user', content: 'find it' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'found: 42' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Tool results received: found: 42', citations: null }]);
  });

  it('accepts images', async () => {
    const message = await client.messages.create({
      model: 'mock-chat',
      max_tokens: 50,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1X1 } }] }],
    });
    expect(message.content[0]).toMatchObject({ text: 'look [image]' });
  });

  it('reports max_tokens when the answer is cut', async () => {
    const message = await client.messages.create({ model: 'mock-chat', max_tokens: 2, messages: [{ role: 'user', content: 'a b c d e' }] });
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('answers every failure in Anthropic error shape', async () => {
    const noKey = await post({ model: 'mock-chat', max_tokens: 5, messages: [] }, {});
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });

    const badJson = await post('{"model":');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const tooBig = await post({ model: 'mock-chat', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(70_000) }] });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });

    const unsupported = await post({ model: 'mock-chat', max_tokens: 5, tools: [{ type: 'web_search_20250305', name: 'web_search' }], messages: [{ role: 'user', content: 'x' }] });
    expect(unsupported.status).toBe(400);
    expect((await unsupported.json()).error.message).toMatch(/^tools\.0\.type: /);

    const broken = await client.messages.create({ model: 'broken-chat', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((broken as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(errorType(broken)).toBe('overloaded_error');
  });

  it('applies key scopes and per-key model allow-lists', async () => {
    const user = await gw.identity.users.create({ email: 'messages-scope@example.com', role: 'member' });
    const chatOnly = await gw.identity.apiKeys.create({ name: 'chat only', userId: user.id, scopes: ['chat'] });
    const denied = await anthropicClient(gw, chatOnly.secret).messages.create({ model: 'mock-chat', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(errorType(denied)).toBe('permission_error');

    const limited = await gw.identity.apiKeys.create({ name: 'limited', userId: user.id, scopes: ['messages'], allowedModels: ['broken-chat'] });
    const hidden = await anthropicClient(gw, limited.secret).messages.create({ model: 'mock-chat', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(hidden).toBeInstanceOf(Anthropic.NotFoundError);
    expect(errorType(hidden)).toBe('not_found_error');
  });
});
