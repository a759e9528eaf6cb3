import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../server/src/config/config-file';
import { startTestGateway, type TestGateway } from '../support/gateway';

const SECRET = 'config-proxy-secret-0123456789';

/** Auth plugins can be turned on from the config file, as an operator running `npm start` would. */
describe('auth plugins enabled in the config file', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const config = parseConfig(
      `
providers: [{ id: mock, plugin: mock }]
models: [{ id: mock-chat, provider: mock }]
auth:
  - plugin: trusted-header
    settings: { proxySecret: "\${PROXY_SECRET}", userHeader: X-Auth-Request-User }
`,
      { PROXY_SECRET: SECRET },
    );
    gw = await startTestGateway({ config });
  });
  afterAll(() => gw?.stop());

  const chat = (headers: Record<string, string>) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'hello' }] }),
    });

  it('authenticates through the configured plugin', async () => {
    expect((await chat({ 'x-proxy-secret': SECRET, 'x-auth-request-user': 'ada' })).status).toBe(200);
    expect((await chat({ 'x-proxy-secret': 'wrong-secret-value-000', 'x-auth-request-user': 'ada' })).status).toBe(401);
    expect((await chat({})).status).toBe(401);
  });

  it('rejects a malformed auth section with the path', () => {
    expect(() => parseConfig('auth: [{ settings: {} }]', {})).toThrow(/\/auth\/0 must have required property 'plugin'/);
  });
});
