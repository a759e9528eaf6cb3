import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { GatewayError, type ChatCompletionChunk, type ProviderCallContext } from '@switchyard/plugin-kit';
import { assembleStream } from '@switchyard/plugin-kit/testing';
import { startOpenAIEmulator, type OpenAIEmulator } from '../../../test/emulators/openai';
import plugin, { applyQuirks, PRESETS, presetOf } from './index';

const logger = { debug() {}, info() {}, warn() {}, error() {} };
const pluginContext = { hostVersion: '0.1.0', logger };
const ctx = (extra: Partial<ProviderCallContext> = {}): ProviderCallContext => ({ signal: new AbortController().signal, model: 'm', credential: {}, requestId: 't', ...extra });
const collect = async (iterable: AsyncIterable<ChatCompletionChunk>) => {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
};
const ask = (content = 'x') => ({ model: 'alias', messages: [{ role: 'user' as const, content }] });

describe('openai-compatible: Azure OpenAI', () => {
  const key = 'fedcba9876543210fedcba9876543210';
  let emulator: OpenAIEmulator;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator({ apiKey: key, azure: true });
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('calls deployment URLs with api-version and the api-key header, mapping models to deployments', async () => {
    const provider = plugin.createProvider({ preset: 'azure', baseUrl: emulator.url, azure: { apiVersion: '2025-01-01-preview', deployments: { 'gpt-4o': 'prod-4o' } } }, pluginContext);
    const credential = { apiKey: key };
    await provider.chat(ask(), ctx({ model: 'gpt-4o', credential }));
    await collect(provider.chatStream({ ...ask(), stream: true }, ctx({ model: 'gpt-4o', credential })));
    await provider.embeddings!({ model: 'alias', input: 'x' }, ctx({ model: 'text-embedding-3-small', credential }));
    expect(emulator.requests.map((r) => [r.method, r.path, r.deployment, r.apiVersion])).toEqual([
      ['POST', '/openai/deployments/prod-4o/chat/completions', 'prod-4o', '2025-01-01-preview'],
      ['POST', '/openai/deployments/prod-4o/chat/completions', 'prod-4o', '2025-01-01-preview'],
      ['POST', '/openai/deployments/text-embedding-3-small/embeddings', 'text-embedding-3-small', '2025-01-01-preview'],
    ]);
    for (const request of emulator.requests) {
      expect(request.headers['api-key']).toBe(key);
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('accepts an endpoint that already ends in /openai and defaults the api-version', async () => {
    const provider = plugin.createProvider({ preset: 'azure', baseUrl: `${emulator.url}/openai/` }, pluginContext);
    await provider.chat(ask(), ctx({ model: 'gpt-4o-mini', credential: { apiKey: key } }));
    expect(emulator.requests[0].path).toBe('/openai/deployments/gpt-4o-mini/chat/completions');
    expect(emulator.requests[0].apiVersion).toBe('2024-10-21');
  });

  it("maps Azure's own 401 body to upstream_auth_failed without the key", async () => {
    const provider = plugin.createProvider({ preset: 'azure', baseUrl: emulator.url }, pluginContext);
    const wrong = '00000000000000000000000000000000';
    const error = await provider.chat(ask(), ctx({ model: 'gpt-4o', credential: { apiKey: wrong } })).catch((e) => e);
    expect(GatewayError.is(error)).toBe(true);
    expect(error.code).toBe('upstream_auth_failed');
    expect(error.message).toContain('Access denied');
    expect(error.message).not.toContain(wrong);
  });
});

describe('openai-compatible: presets', () => {
  let emulator: OpenAIEmulator;
  beforeAll(async () => {
    emulator = await startOpenAIEmulator();
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it('passes DeepSeek-style reasoning_content through, in JSON and in streams', async () => {
    const provider = plugin.createProvider({ preset: 'deepseek', baseUrl: emulator.url }, pluginContext);
    const credential = { apiKey: 'sk-deepseek-0123456789' };
    emulator.enqueue({ reasoning: 'Nine is three squared.', text: '3' }, { reasoning: 'Nine is three squared.', text: '3' });
    const completion = await provider.chat(ask('sqrt 9?'), ctx({ model: 'deepseek-reasoner', credential }));
    expect(completion.choices[0].message).toMatchObject({ content: '3', reasoning_content: 'Nine is three squared.' });
    const streamed = assembleStream(await collect(provider.chatStream({ ...ask('sqrt 9?'), stream: true }, ctx({ model: 'deepseek-reasoner', credential }))));
    expect(streamed.choices[0]).toMatchObject({ text: '3', reasoning: 'Nine is three squared.' });
  });

  it('DeepSeek: strips reasoning_content from messages sent back and uses max_tokens', async () => {
    const provider = plugin.createProvider({ preset: 'deepseek', baseUrl: emulator.url }, pluginContext);
    await provider.chat(
      {
        model: 'alias',
        max_completion_tokens: 64,
        messages: [
          { role: 'user', content: 'sqrt 9?' },
          { role: 'assistant', content: '3', reasoning_content: 'Nine is three squared.' },
          { role: 'user', content: 'and 16?' },
        ],
      },
      ctx({ model: 'deepseek-reasoner', credential: { apiKey: 'sk-deepseek-0123456789' } }),
    );
    const body = emulator.requests[0].body as { messages: Record<string, unknown>[]; max_tokens?: number; max_completion_tokens?: number };
    expect(body.messages[1]).toEqual({ role: 'assistant', content: '3' });
    expect(body.max_tokens).toBe(64);
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it('Ollama: no key, no Authorization header; a key-requiring preset refuses to call without one', async () => {
    const ollama = plugin.createProvider({ preset: 'ollama', baseUrl: emulator.url }, pluginContext);
    await ollama.chat(ask(), ctx({ model: 'llama3.2' }));
    expect(emulator.requests[0].headers.authorization).toBeUndefined();

    const groq = plugin.createProvider({ preset: 'groq', baseUrl: emulator.url }, pluginContext);
    const error = await groq.chat(ask(), ctx({ model: 'llama-3.3-70b-versatile' })).catch((e) => e);
    expect(error).toMatchObject({ status: 500, code: 'provider_misconfigured' });
    expect(error.message).toContain('groq');
    expect(emulator.requests).toHaveLength(1);
  });

  it('sends extra headers and a key when one is given, with no preset', async () => {
    const provider = plugin.createProvider({ baseUrl: emulator.url, headers: { 'HTTP-Referer': 'https://app.example', 'X-Title': 'Switchyard' } }, pluginContext);
    await provider.chat(ask(), ctx({ credential: { apiKey: 'or-key-0123456789' } }));
    expect(emulator.requests[0].headers).toMatchObject({ 'http-referer': 'https://app.example', 'x-title': 'Switchyard', authorization: 'Bearer or-key-0123456789' });
  });

  it("takes a preset's usual base URL when settings leave it out, and refuses an unknown preset", () => {
    expect(() => plugin.createProvider({ preset: 'openrouter' }, pluginContext)).not.toThrow();
    expect(() => plugin.createProvider({}, pluginContext)).toThrow(/baseUrl/);
    expect(() => plugin.createProvider({ preset: 'nope', baseUrl: emulator.url }, pluginContext)).toThrow(/unknown preset 'nope'/);
    expect(presetOf('openrouter')).toBe(PRESETS.openrouter);
  });

  it('leaves requests alone for presets without quirks', () => {
    const body = { model: 'm', max_completion_tokens: 5, messages: [{ role: 'assistant', content: 'x', reasoning_content: 'y' }] };
    expect(applyQuirks(PRESETS.vllm, 'chat', body)).toBe(body);
    expect(applyQuirks(PRESETS.deepseek, 'embeddings', body)).toBe(body);
  });
});

describe('openai-compatible: settings schema', () => {
  const validate = new Ajv2020({ strict: false }).compile(plugin.manifest.settingsSchema!);
  it('accepts each preset with its settings and rejects what it does not know', () => {
    expect(validate({ preset: 'azure', baseUrl: 'https://res.openai.azure.com', azure: { apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod' } } })).toBe(true);
    expect(validate({ preset: 'ollama', baseUrl: 'http://localhost:11434/v1' })).toBe(true);
    expect(validate({ baseUrl: 'http://localhost:8000/v1', headers: { 'X-A': 'b' }, timeoutMs: 30000, maxRetries: 0 })).toBe(true);
    expect(validate({ preset: 'ollama' })).toBe(false);
    expect(validate({ preset: 'other', baseUrl: 'http://x' })).toBe(false);
    expect(validate({ baseUrl: 'ftp://x' })).toBe(false);
  });
});
