import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOpenAIEmulator, startPluginGateway, type OpenAIEmulator, type PluginGateway } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pluginFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiKey = 'sk-upstream-pii-test-0123456789';

describe('pii-redact in a gateway', () => {
  let emulator: OpenAIEmulator;
  let gw: PluginGateway;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey });
    gw = await startPluginGateway({
      plugins: [pluginFolder],
      config: {
        providers: [{ id: 'upstream', plugin: 'openai', settings: { baseUrl: emulator.url }, credentials: [{ name: 'main', secret: { apiKey } }] }],
        models: [],
        pipelines: [
          {
            id: 'private',
            aliases: ['private-chat'],
            graph: {
              schemaVersion: 1,
              nodes: [
                { id: 'redact', type: 'pii.redact', typeVersion: 1, params: {} },
                { id: 'gpt', type: 'target', typeVersion: 1, params: { provider: 'upstream', model: 'gpt-4o-mini' } },
              ],
              edges: [{ source: 'redact', sourceHandle: 'next', target: 'gpt', targetHandle: 'in' }],
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await emulator?.close();
  });

  it('is loaded as a node plugin', async () => {
    const res = await fetch(`${gw.url}/api/plugins`, { headers: gw.auth });
    const body = (await res.json()) as { data: Array<{ id: string; kind: string; status: string }> };
    expect(body.data).toContainEqual(expect.objectContaining({ id: 'pii-redact', kind: 'node', status: 'loaded' }));
  });

  it('shows up in the editor palette (GET /api/node-types) with the schema its form is drawn from', async () => {
    const res = await fetch(`${gw.url}/api/node-types`, { headers: gw.auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ type: string; source: string; category: string; paramsSchema: { properties: Record<string, { 'x-ui'?: object }> } }> };
    const entry = body.data.find((t) => t.type === 'pii.redact');
    expect(entry).toMatchObject({ source: 'pii-redact', category: 'transform' });
    expect(entry?.paramsSchema.properties.detect['x-ui']).toMatchObject({ widget: 'checkboxes' });
  });

  it('runs in a pipeline: the upstream sees placeholders, the client its own data', async () => {
    // The emulator echoes the last user message, placeholders included.
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...gw.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'private-chat', messages: [{ role: 'user', content: 'Mail ada@example.com about card 4111 1111 1111 1111' }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0].message.content).toBe('Mail ada@example.com about card 4111 1111 1111 1111');
    const upstream = JSON.stringify(emulator.requests.at(-1)?.body);
    expect(upstream).toContain('Mail [EMAIL_1] about card [CARD_1]');
    expect(upstream).not.toMatch(/ada@example|4111/);
  });
});
