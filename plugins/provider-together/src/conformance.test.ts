import { describeProviderConformance, startOpenAIEmulator } from '@switchyard/plugin-kit/testing';
import plugin from './index';

const apiKey = 'tgp_v1_conformance-0123456789abcdef';

describeProviderConformance({
  name: 'together',
  plugin,
  startEmulator: () => startOpenAIEmulator({ apiKey }),
  settings: (emulator) => ({ baseUrl: emulator.url }),
  credential: { apiKey },
  model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
  embeddingModel: 'BAAI/bge-base-en-v1.5',
  imageModel: 'black-forest-labs/FLUX.1-schnell',
  capabilities: { n: true, reasoning: true, embeddings: true, images: true },
});
