import { defineProviderPlugin } from '@switchyard/plugin-kit';
import { ClientCache } from './client-cache';
import { createOpenAIClient } from './client';
import { requireApiKey } from './credential';
import { DEFAULT_OPENAI_BASE_URL, openAIManifest } from './manifest';
import { createOpenAIStyleProvider } from './provider';
import { readConnection } from './settings';

const openAIPlugin = defineProviderPlugin({
  manifest: openAIManifest,
  createProvider(settings, context) {
    const connection = readConnection(settings, { baseUrl: DEFAULT_OPENAI_BASE_URL });
    const clients = new ClientCache((apiKey: string) => createOpenAIClient(connection, apiKey, context.logger));
    return createOpenAIStyleProvider({
      name: 'openai',
      clientFor: (credential) => clients.get(requireApiKey(credential, 'openai')),
      close: () => clients.clear(),
    });
  },
});

export default openAIPlugin;

// The reusable translation, for openai-compatible and other OpenAI-speaking providers.
// The SDK is loaded on first use (loadOpenAISdk) so that plugins which only import this package
// do not pay for it; its types are re-exported so those plugins use this package's SDK version.
export type { default as OpenAI, AzureOpenAI } from 'openai';
export { loadOpenAISdk } from './sdk';
export { createOpenAIStyleProvider } from './provider';
export type { OpenAIStyleProviderOptions, OpenAIEndpoint } from './provider';
export { ClientCache } from './client-cache';
export { createOpenAIClient, sdkOptions } from './client';
export { requireApiKey } from './credential';
export { readConnection, DEFAULT_TIMEOUT_MS } from './settings';
export type { OpenAIConnection } from './settings';
export { toGatewayError, scrubSecrets } from './errors';
export type { ErrorContext } from './errors';
export { normalizeCompletion, normalizeChunk } from './normalize';
export { chatBody, createChatCompletion } from './chat';
export { streamBody, streamChatCompletion } from './stream';
export { embeddingsBody, createEmbeddings, encodeAs } from './embeddings';
export { imagesBody, generateImages } from './images';
export { listUpstreamModels } from './models';
export { openAIManifest, openAISettingsSchema, openAICredentialSchema, DEFAULT_OPENAI_BASE_URL } from './manifest';
