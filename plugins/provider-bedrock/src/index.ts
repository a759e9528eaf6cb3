import { defineProviderPlugin } from '@switchyard/plugin-kit';
import { manifest } from './manifest';
import { createBedrockProvider } from './provider';

/** Amazon Bedrock: Converse / ConverseStream for chat, InvokeModel for embeddings and images. */
export default defineProviderPlugin({
  manifest,
  createProvider: createBedrockProvider,
});

export { createBedrockProvider } from './provider';
export { manifest, settingsSchema, credentialSchema } from './manifest';
