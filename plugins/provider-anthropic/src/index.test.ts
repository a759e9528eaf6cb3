import { describe, expect, it } from 'vitest';
import { HOST_VERSION, checkPlugin } from '@switchyard/core';
import type { ProviderPlugin } from '@switchyard/plugin-kit';
import plugin from './index';

describe('anthropic plugin manifest', () => {
  it('is a provider the host accepts, with settings and a secret credential', () => {
    expect(checkPlugin(plugin, HOST_VERSION)).toEqual([]);
    expect(plugin.manifest).toMatchObject({ id: 'anthropic', kind: 'provider', hostRange: '^0.1.0', name: 'Anthropic' });
    const settings = plugin.manifest.settingsSchema?.properties as Record<string, { default?: unknown; 'x-ui'?: unknown }>;
    expect(Object.keys(settings)).toEqual(['baseUrl', 'anthropicVersion', 'defaultMaxTokens', 'timeoutMs', 'maxRetries']);
    expect(settings.maxRetries.default).toBe(0);
    for (const field of Object.values(settings)) expect(field['x-ui']).toBeDefined();
    expect(plugin.manifest.credentialSchema).toMatchObject({ required: ['apiKey'], properties: { apiKey: { 'x-ui': { widget: 'password' } } } });
  });

  it('creates a provider with chat, streaming and model listing', () => {
    const asHostSeesIt: ProviderPlugin = plugin;
    const provider = asHostSeesIt.createProvider({}, { hostVersion: HOST_VERSION, logger: { debug() {}, info() {}, warn() {}, error() {} } });
    expect(typeof provider.chat).toBe('function');
    expect(typeof provider.chatStream).toBe('function');
    expect(typeof provider.listModels).toBe('function');
  });
});
