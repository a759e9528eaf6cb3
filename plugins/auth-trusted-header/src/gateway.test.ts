import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPluginGateway, type PluginGateway } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pluginFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SECRET = 'gateway-proxy-secret-0123456789';

describe('trusted-header in a gateway', () => {
  let gw: PluginGateway;
  beforeAll(async () => {
    gw = await startPluginGateway({
      plugins: [pluginFolder],
      authPlugins: [{ plugin: 'trusted-header', settings: { proxySecret: SECRET, adminGroups: ['ops'], userHeader: 'X-Auth-Request-User' } }],
    });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const chat = (headers: Record<string, string>) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'hello' }] }),
    });

  it('serves a user the proxy vouches for', async () => {
    const res = await chat({ 'x-proxy-secret': SECRET, 'x-auth-request-user': 'ada' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
  });

  it('refuses forged identity headers with an OpenAI-shaped 401 that does not echo the secret', async () => {
    const res = await chat({ 'x-proxy-secret': 'not-the-secret-at-all', 'x-auth-request-user': 'ada' });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ type: 'authentication_error', code: 'untrusted_identity_header' }) });
    expect(text).not.toContain(SECRET);
  });

  it('still lets the admin key and plain unauthenticated refusals work as before', async () => {
    expect((await chat(gw.auth)).status).toBe(200);
    const anonymous = await chat({});
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
  });

  it('maps admin groups to the admin API, and keeps others out of it', async () => {
    const admin = await fetch(`${gw.url}/api/plugins`, { headers: { 'x-proxy-secret': SECRET, 'x-auth-request-user': 'grace', 'x-forwarded-groups': 'ops' } });
    expect(admin.status).toBe(200);
    const member = await fetch(`${gw.url}/api/plugins`, { headers: { 'x-proxy-secret': SECRET, 'x-auth-request-user': 'ada' } });
    expect(member.status).toBe(403);
  });
});
