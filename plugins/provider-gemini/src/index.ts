import { defineProviderPlugin, HOST_VERSION } from '@switchyard/plugin-kit';
import { createGeminiProvider } from './provider';
import { credentialSchema, readSettings, settingsSchema } from './settings';

/**
 * Google Gemini (the Gemini Developer API, generativelanguage.googleapis.com) through the official
 * @google/genai SDK: chat with tools, images in, JSON output and thinking; embeddings; Imagen.
 */
export default defineProviderPlugin({
  manifest: {
    id: 'gemini',
    kind: 'provider',
    version: HOST_VERSION,
    hostRange: '^0.1.0',
    name: 'Google Gemini',
    description: 'Gemini models through the Gemini API: chat (streamed or not) with tools, vision, JSON output and thinking; text embeddings; Imagen image generation; model list.',
    settingsSchema,
    credentialSchema,
  },
  createProvider(rawSettings) {
    return createGeminiProvider(readSettings(rawSettings));
  },
});
