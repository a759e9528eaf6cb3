import { describeProviderConformance } from '@switchyard/plugin-kit/testing';
import { startGeminiEmulator } from '../../../test/emulators/gemini';
import plugin from './index';

type Body = { generationConfig?: { responseMimeType?: string; responseSchema?: { properties?: Record<string, unknown> } } };

describeProviderConformance({
  name: 'gemini',
  plugin,
  startEmulator: () => startGeminiEmulator({ apiKey: 'gemini-conformance-key' }),
  settings: (emulator) => ({ baseUrl: emulator.url, apiVersion: 'v1beta' }),
  credential: { apiKey: 'gemini-conformance-key' },
  // A Gemini 3 model, so the emulator also checks that thought signatures make the round trip.
  model: 'gemini-3-pro-preview',
  embeddingModel: 'gemini-embedding-001',
  imageModel: 'imagen-4.0-generate-001',
  capabilities: { n: true, reasoning: true, embeddings: true, images: true },
  upstream: {
    jsonObjectMode: (body) => (body as Body).generationConfig?.responseMimeType === 'application/json',
    // Gemini's wire has no schema name: the schema itself travels as responseSchema.
    jsonSchemaMode: (body) => {
      const config = (body as Body).generationConfig;
      return config?.responseMimeType === 'application/json' && config.responseSchema?.properties?.conformance_probe_field !== undefined;
    },
  },
});
