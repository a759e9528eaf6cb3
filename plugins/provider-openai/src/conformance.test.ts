import { describeProviderConformance } from '@switchyard/plugin-kit/testing';
import { startOpenAIEmulator } from '../../../test/emulators/openai';
import plugin from './index';

const apiKey = 'sk-conformance-openai-0123456789';

describeProviderConformance({
  name: 'openai',
  plugin,
  startEmulator: () => startOpenAIEmulator({ apiKey }),
  settings: (emulator) => ({ baseUrl: emulator.url }),
  credential: { apiKey },
  model: 'gpt-4o-mini',
  embeddingModel: 'text-embedding-3-small',
  imageModel: 'gpt-image-1',
  capabilities: { n: true, reasoning: true, embeddings: true, images: true },
});
