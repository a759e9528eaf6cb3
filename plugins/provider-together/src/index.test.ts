import { HOST_VERSION, type ProviderInstance } from '@switchyard/plugin-kit';
import { startOpenAIEmulator, type OpenAIEmulator } from '@switchyard/plugin-kit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import plugin, { readTogetherModels } from './index';

const apiKey = 'tgp_v1_unit-0123456789abcdef';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = (model = 'meta-llama/Llama-3.3-70B-Instruct-Turbo') => ({ signal: new AbortController().signal, model, credential: { apiKey }, requestId: 'r1' });

describe('together provider', () => {
  let emulator: OpenAIEmulator;
  let provider: ProviderInstance;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey });
    provider = plugin.createProvider({ baseUrl: emulator.url }, { hostVersion: HOST_VERSION, logger: silent });
  });
  afterAll(async () => {
    await provider.close?.();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  it('defaults to Together’s endpoint and asks for an API key in a password field', () => {
    const settings = plugin.manifest.settingsSchema as { properties: { baseUrl: { default: string } } };
    expect(settings.properties.baseUrl.default).toBe('https://api.together.xyz/v1');
    expect(plugin.manifest.credentialSchema).toMatchObject({ required: ['apiKey'], properties: { apiKey: { 'x-ui': { widget: 'password' } } } });
  });

  it('sends max_tokens, which Together knows, in place of max_completion_tokens', async () => {
    await provider.chat({ model: 'alias', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 42 }, ctx());
    const body = emulator.requests.at(-1)?.body as Record<string, unknown>;
    expect(body.max_tokens).toBe(42);
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it('reads Together’s model list, a bare array with model types', async () => {
    emulator.enqueueJson([
      { id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', object: 'model', created: 1733443200, type: 'chat', organization: 'Meta' },
      { id: 'BAAI/bge-base-en-v1.5', object: 'model', created: 0, type: 'embedding', organization: 'BAAI' },
      { id: 'black-forest-labs/FLUX.1-schnell', object: 'model', type: 'image' },
    ]);
    const models = await provider.listModels!({ signal: new AbortController().signal, credential: { apiKey }, requestId: 'r2' });
    expect(models).toEqual([
      { id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', created: 1733443200, ownedBy: 'Meta', capabilities: ['chat', 'streaming'] },
      { id: 'BAAI/bge-base-en-v1.5', created: 0, ownedBy: 'BAAI', capabilities: ['embeddings'] },
      { id: 'black-forest-labs/FLUX.1-schnell', capabilities: ['images'] },
    ]);
    expect(emulator.requests.at(-1)?.path).toBe('/v1/models');
  });

  it('maps a failing model list to a GatewayError without the key', async () => {
    emulator.enqueue({ error: { status: 401, kind: 'auth', message: `bad key ${apiKey}` } });
    const failure = await provider.listModels!({ signal: new AbortController().signal, credential: { apiKey }, requestId: 'r3' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'GatewayError', code: 'upstream_auth_failed' });
    expect(String((failure as Error).message)).not.toContain(apiKey);
  });

  it('accepts the OpenAI list shape too and skips malformed entries', () => {
    expect(readTogetherModels({ object: 'list', data: [{ id: 'a', owned_by: 'x' }, { nope: true }] })).toEqual([{ id: 'a', ownedBy: 'x' }]);
    expect(readTogetherModels('nonsense')).toEqual([]);
  });
});
