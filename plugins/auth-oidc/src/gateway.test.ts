import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { startPluginGateway, type PluginGateway } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey, signJwt, startTestProvider, type TestKey } from './test-provider';

const pluginFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('auth-oidc in a gateway', () => {
  let provider: Awaited<ReturnType<typeof startTestProvider>>;
  let key: TestKey;
  let gw: PluginGateway;
  const token = (claims: Record<string, unknown>) => signJwt(key, { iss: provider.issuer, aud: 'switchyard-gw', exp: Math.floor(Date.now() / 1000) + 300, ...claims });
  const chat = (bearer: string) => new OpenAI({ apiKey: bearer, baseURL: `${gw.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] });

  beforeAll(async () => {
    provider = await startTestProvider();
    key = makeKey('k1', 'ES256');
    provider.keys.push(key);
    gw = await startPluginGateway({
      plugins: [pluginFolder],
      authPlugins: [{ plugin: 'oidc', settings: { issuer: provider.issuer, audience: 'switchyard-gw', autoProvision: true, roleClaim: 'groups', roleMapping: { 'gw-viewers': 'viewer', 'gw-admins': 'admin' } } }],
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await provider?.close();
  });

  it('provisions a user on first sight and serves /v1 with the official client', async () => {
    const answer = await chat(token({ sub: 'ext-1', email: 'grace@example.com', name: 'Grace', groups: ['eng'] }));
    expect(answer.object).toBe('chat.completion');
    const users = await fetch(`${gw.url}/api/users`, { headers: gw.auth }).then((r) => r.json() as Promise<{ data: Array<{ email: string; role: string }> }>);
    expect(users.data.find((u) => u.email === 'grace@example.com')).toMatchObject({ role: 'member' });
  });

  it('maps claims to a role for provisioned users: a viewer cannot chat', async () => {
    await expect(chat(token({ sub: 'ext-2', email: 'vic@example.com', groups: ['gw-viewers'] }))).rejects.toMatchObject({ status: 403 });
    const models = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${token({ sub: 'ext-2', email: 'vic@example.com', groups: ['gw-viewers'] })}` } });
    expect(models.status).toBe(200);
  });

  it('answers bad tokens with an OpenAI-shaped 401 that does not echo the token', async () => {
    const expired = token({ sub: 'ext-1', email: 'grace@example.com', exp: Math.floor(Date.now() / 1000) - 3600 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${expired}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ type: 'authentication_error', code: 'invalid_id_token' });
    expect(text).not.toContain(expired.split('.')[2]);
    await expect(chat(token({ sub: 'ext-1', email: 'grace@example.com', aud: 'other-app' }))).rejects.toMatchObject({ status: 401 });
  });

  it('leaves tokens of other issuers and non-JWT keys to other methods', async () => {
    const other = signJwt(key, { iss: 'https://elsewhere.example', aud: 'switchyard-gw', sub: 'x', email: 'x@example.com', exp: Math.floor(Date.now() / 1000) + 60 });
    const res = await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${other}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
  });
});
