import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUser, finishSetup, startSecurityGateway, TEST_ADMIN_KEY, type SecurityGateway } from '../security/support';

/**
 * The v1 lane (server/src/http/v1/v1-lane.ts) serves plain-JSON POSTs to the hot endpoints
 * without express; a gzip-compressed body of the same JSON goes through the express routes.
 * Both must answer alike: same status, same body (ids aside), same headers that matter.
 */
describe('the v1 lane answers like the express routes', () => {
  let gw: SecurityGateway;
  let memberKey: string;
  let embedOnlyKey: string;
  let limitedKey: string;

  beforeAll(async () => {
    gw = await startSecurityGateway({ backend: 'sqlite', identity: { v1CorsAnyOrigin: true } });
    await finishSetup(gw, 'owner@example.com', 'owner-password-123');
    const memberId = await createUser(gw, 'member', 'member@example.com', 'member-password-1');
    memberKey = (await createKey(gw, { name: 'app', userId: memberId })).key;
    embedOnlyKey = (await createKey(gw, { name: 'embed', userId: memberId, scopes: ['embeddings'] })).key;
    limitedKey = (await createKey(gw, { name: 'limited', userId: memberId, allowedModels: ['mock-embed'] })).key;
  });
  afterAll(() => gw?.stop());

  async function both(path: string, key: string | undefined, text: string, headers: Record<string, string> = {}) {
    const base = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers };
    const lane = await fetch(`${gw.url}${path}`, { method: 'POST', headers: base, body: text });
    const viaExpress = await fetch(`${gw.url}${path}`, { method: 'POST', headers: { ...base, 'content-encoding': 'gzip' }, body: gzipSync(text) });
    return Promise.all([lane, viaExpress].map(async (r) => ({ status: r.status, headers: r.headers, body: stripIds(await r.json()) })));
  }

  /** Ids and timestamps differ between two answers; everything else must not. */
  function stripIds(body: Record<string, unknown>) {
    const { id: _id, created: _created, ...rest } = body;
    return rest;
  }

  const cases: Array<[string, string, () => string | undefined, string, number]> = [
    ['a chat completion', '/v1/chat/completions', () => TEST_ADMIN_KEY, JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'hello lane' }] }), 200],
    ['an embedding', '/v1/embeddings', () => memberKey, JSON.stringify({ model: 'mock-embed', input: 'hello' }), 200],
    ['no key', '/v1/chat/completions', () => undefined, JSON.stringify({ model: 'mock-chat', messages: [] }), 401],
    ['a wrong key', '/v1/embeddings', () => 'sk-wrong', JSON.stringify({ model: 'mock-embed', input: 'x' }), 401],
    ['a missing scope', '/v1/chat/completions', () => embedOnlyKey, JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'x' }] }), 403],
    ['a model the key may not use', '/v1/chat/completions', () => limitedKey, JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'x' }] }), 404],
    ['an unknown model', '/v1/chat/completions', () => memberKey, JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }), 404],
    ['broken JSON', '/v1/chat/completions', () => memberKey, '{"model":', 400],
    ['a string at the top', '/v1/embeddings', () => memberKey, '"text"', 400],
    ['an empty body', '/v1/chat/completions', () => memberKey, '', 400],
    ['a wrong type', '/v1/chat/completions', () => memberKey, JSON.stringify({ model: 'mock-chat', messages: 'hi' }), 400],
    ['an image without a model', '/v1/images/generations', () => memberKey, JSON.stringify({ prompt: 'a cat' }), 400],
  ];

  it.each(cases)('%s', async (_name, path, key, text, status) => {
    const [lane, viaExpress] = await both(path, key(), text, { origin: 'https://app.example' });
    expect(lane.status).toBe(status);
    expect(viaExpress.status).toBe(status);
    expect(lane.body).toEqual(viaExpress.body);
    for (const name of ['content-type', 'x-content-type-options', 'access-control-allow-origin', 'access-control-expose-headers']) {
      expect(lane.headers.get(name), name).toBe(viaExpress.headers.get(name));
    }
    expect(lane.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('keeps a sane caller request id and refuses an oversized body before reading it', async () => {
    const r = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${memberKey}`, 'x-request-id': 'trace-42' }, body: '{}' });
    expect(r.headers.get('x-request-id')).toBe('trace-42');
    const huge = JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'x'.repeat(21 * 1024 * 1024) }] });
    const big = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${memberKey}` }, body: huge });
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe('request_too_large');
  });

  it('leaves other methods and paths to express', async () => {
    const get = await fetch(`${gw.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${memberKey}` } });
    expect(get.status).toBe(404);
    expect((await get.json()).error.code).toBe('unknown_url');
    const models = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${memberKey}` } });
    expect(models.status).toBe(200);
  });
});
