import { describeProviderConformance } from '@switchyard/plugin-kit/testing';
import { startOpenAIEmulator } from '../../../test/emulators/openai';
import plugin from './index';

const capabilities = { n: true, reasoning: true, embeddings: true, images: true };

// A local server without keys (Ollama-style): no Authorization header at all.
describeProviderConformance({
  name: 'openai-compatible (ollama preset, no key)',
  plugin,
  startEmulator: () => startOpenAIEmulator(),
  settings: (emulator) => ({ preset: 'ollama', baseUrl: emulator.url }),
  credential: {},
  model: 'llama3.2',
  embeddingModel: 'nomic-embed-text',
  imageModel: 'gpt-image-1',
  capabilities,
});

const deepseekKey = 'sk-conformance-deepseek-0123456789';
describeProviderConformance({
  name: 'openai-compatible (deepseek preset)',
  plugin,
  startEmulator: () => startOpenAIEmulator({ apiKey: deepseekKey }),
  settings: (emulator) => ({ preset: 'deepseek', baseUrl: emulator.url }),
  credential: { apiKey: deepseekKey },
  model: 'deepseek-reasoner',
  embeddingModel: 'text-embedding-3-small',
  imageModel: 'gpt-image-1',
  capabilities,
});

// Azure keys are 32 hex characters, a form the generic secret patterns do not catch.
const azureKey = '0123456789abcdef0123456789abcdef';
describeProviderConformance({
  name: 'openai-compatible (azure preset)',
  plugin,
  startEmulator: () => startOpenAIEmulator({ apiKey: azureKey, azure: true }),
  settings: (emulator) => ({ preset: 'azure', baseUrl: emulator.url, azure: { apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod-gpt4o' } } }),
  credential: { apiKey: azureKey },
  model: 'gpt-4o',
  embeddingModel: 'text-embedding-3-small',
  imageModel: 'gpt-image-1',
  capabilities,
});
