import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HOST_VERSION, checkPlugin } from '@switchyard/core';
import type { ProviderCallContext } from '@switchyard/spec';
import { defineOpenAICompatibleProvider } from './openai-compatible';
import { startOpenAIEmulator, type OpenAIEmulator } from './testing/emulators';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = (credential: Record<string, string> = {}): ProviderCallContext => ({ signal: new AbortController().signal, model: 'vendor-model', credential, requestId: 'r' });
const hello = { model: 'alias', messages: [{ role: 'user' as const, content: 'hello' }] };

describe('defineOpenAICompatibleProvider', () => {
  let emulator: OpenAIEmulator;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  const plugin = defineOpenAICompatibleProvider({
    id: 'local-llm',
    name: 'Local LLM',
    version: '1.2.3',
    hostRange: '^0.1.0',
    baseUrl: 'http://127.0.0.1:1/v1',
    requiresKey: false,
    extraSettings: { tenant: { type: 'string', title: 'Tenant', 'x-ui': { order: 3 } } },
    headers: (settings): Record<string, string> => (typeof settings.tenant === 'string' ? { 'x-tenant': settings.tenant } : {}),
    adaptBody: (endpoint, body, _ctx, settings) => (endpoint === 'chat' ? { ...body, user: `tenant-${String(settings.tenant)}` } : body),
  });

  it('builds a manifest the host accepts, with the vendor URL as the default and an optional key', () => {
    expect(checkPlugin(plugin, HOST_VERSION)).toEqual([]);
    expect(plugin.manifest).toMatchObject({ id: 'local-llm', kind: 'provider', version: '1.2.3', settingsSchema: { properties: { baseUrl: { default: 'http://127.0.0.1:1/v1' }, tenant: { title: 'Tenant' } } } });
    expect(plugin.manifest.credentialSchema).not.toHaveProperty('required');
  });

  it('calls a keyless upstream with its extra headers and body changes', async () => {
    const provider = plugin.createProvider({ baseUrl: emulator.url, tenant: 'acme' }, { hostVersion: HOST_VERSION, logger: silent });
    const completion = await provider.chat(hello, ctx());
    expect(completion.choices[0].message.content).toBe('hello');
    const seen = emulator.requests.at(-1)!;
    expect(seen.headers['x-tenant']).toBe('acme');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.body).toMatchObject({ model: 'vendor-model', user: 'tenant-acme' });
    await provider.close?.();
  });

  it('offers only the endpoints the vendor has', () => {
    const provider = plugin.createProvider({ baseUrl: emulator.url }, { hostVersion: HOST_VERSION, logger: silent });
    expect(provider.embeddings).toBeUndefined();
    expect(provider.images).toBeUndefined();
    expect(typeof provider.listModels).toBe('function');
    const noModels = defineOpenAICompatibleProvider({ id: 'x', name: 'X', version: '1.0.0', hostRange: '^0.1.0', baseUrl: 'http://x/v1', endpoints: { models: false, embeddings: true } });
    const p2 = noModels.createProvider({}, { hostVersion: HOST_VERSION, logger: silent });
    expect(p2.listModels).toBeUndefined();
    expect(typeof p2.embeddings).toBe('function');
  });

  it('requires a key by default, with a configuration error rather than an upstream call', async () => {
    const keyed = defineOpenAICompatibleProvider({ id: 'keyed', name: 'Keyed', version: '1.0.0', hostRange: '^0.1.0', baseUrl: emulator.url });
    expect(keyed.manifest.credentialSchema).toMatchObject({ required: ['apiKey'], properties: { apiKey: { 'x-ui': { widget: 'password' } } } });
    const provider = keyed.createProvider({}, { hostVersion: HOST_VERSION, logger: silent });
    await expect(provider.chat(hello, ctx())).rejects.toMatchObject({ name: 'GatewayError', code: 'provider_misconfigured' });
    expect(emulator.requests).toHaveLength(0);
  });
});
