import { defineOpenAICompatibleProvider } from '@switchyard/plugin-kit/openai-compatible';
import { listTogetherModels } from './models';

/**
 * Together AI speaks OpenAI's chat, embeddings and images API. Everything but the model list
 * (a bare array there) and the manifest comes from the openai-compatible base.
 */
export default defineOpenAICompatibleProvider({
  id: 'together',
  name: 'Together AI',
  version: '0.1.0',
  hostRange: '^0.1.0',
  description: 'Open models (Llama, Qwen, DeepSeek, Mistral, FLUX) on Together AI: chat, embeddings, images and the model list.',
  baseUrl: 'https://api.together.xyz/v1',
  keyPlaceholder: 'tgp_v1_...',
  quirks: { legacyMaxTokens: true },
  endpoints: { embeddings: true, images: true },
  listModels: listTogetherModels,
});

export { readTogetherModels } from './models';
