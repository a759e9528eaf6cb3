import { defineProviderPlugin } from '@switchyard/plugin-kit';
import { ClientCache, type OpenAI, createOpenAIClient, createOpenAIStyleProvider, readConnection, requireApiKey } from '@switchyard/provider-openai';
import { createAzureClient, deploymentFor, readAzureSettings } from './azure';
import { compatibleManifest } from './manifest';
import { presetOf } from './presets';
import { applyQuirks } from './quirks';

const compatiblePlugin = defineProviderPlugin({
  manifest: compatibleManifest,
  createProvider(settings, context) {
    const preset = presetOf(settings.preset);
    const name = typeof settings.preset === 'string' && settings.preset ? settings.preset : 'openai-compatible';
    const connection = readConnection(settings, { baseUrl: preset.baseUrl });
    const azure = preset.azure ? readAzureSettings(settings.azure) : undefined;

    const clients = new ClientCache<OpenAI>((apiKey) =>
      azure ? createAzureClient(connection, azure, apiKey, context.logger) : createOpenAIClient(connection, apiKey || undefined, context.logger),
    );
    return createOpenAIStyleProvider({
      name,
      clientFor: (credential) => clients.get(preset.requiresKey ? requireApiKey(credential, name) : credential.apiKey ?? ''),
      adaptBody(endpoint, body, ctx) {
        const adapted = applyQuirks(preset, endpoint, body);
        return azure ? { ...adapted, model: deploymentFor(azure, ctx.model) } : adapted;
      },
      close: () => clients.clear(),
    });
  },
});

export default compatiblePlugin;
export { PRESETS, PRESET_NAMES, presetOf } from './presets';
export type { Preset, PresetName } from './presets';
export { applyQuirks } from './quirks';
export { createAzureClient, deploymentFor, readAzureSettings, DEFAULT_AZURE_API_VERSION } from './azure';
export type { AzureSettings } from './azure';
export { compatibleManifest, compatibleSettingsSchema, compatibleCredentialSchema } from './manifest';
