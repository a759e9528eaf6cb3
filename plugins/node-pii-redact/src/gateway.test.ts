import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPluginGateway, type PluginGateway } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const pluginFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('pii-redact in a gateway', () => {
  let gw: PluginGateway;
  beforeAll(async () => {
    gw = await startPluginGateway({ plugins: [pluginFolder] });
  });
  afterAll(async () => {
    await gw?.stop();
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
});
