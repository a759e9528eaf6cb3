import type { JsonSchema, PluginManifest } from '@switchyard/plugin-kit';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export const openAISettingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseUrl: {
      type: 'string',
      title: 'Base URL',
      default: DEFAULT_OPENAI_BASE_URL,
      pattern: '^https?://',
      'x-ui': { order: 1, placeholder: DEFAULT_OPENAI_BASE_URL, help: 'Change only to go through a proxy that speaks the OpenAI API.' },
    },
    organization: {
      type: 'string',
      title: 'Organization ID',
      'x-ui': { order: 2, placeholder: 'org-...', help: 'Sent as OpenAI-Organization when set.' },
    },
    project: {
      type: 'string',
      title: 'Project ID',
      'x-ui': { order: 3, placeholder: 'proj_...', help: 'Sent as OpenAI-Project when set.' },
    },
    timeoutMs: {
      type: 'integer',
      title: 'Timeout (ms)',
      minimum: 1000,
      maximum: 3_600_000,
      default: 600_000,
      'x-ui': { order: 4, advanced: true, help: 'How long one upstream call may take before it fails with 504.' },
    },
    maxRetries: {
      type: 'integer',
      title: 'SDK retries',
      minimum: 0,
      maximum: 5,
      default: 0,
      'x-ui': { order: 5, advanced: true, help: "Retries inside the OpenAI SDK. Keep 0: the gateway's pipelines retry and fall back themselves." },
    },
  },
};

export const openAICredentialSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey'],
  properties: {
    apiKey: { type: 'string', title: 'API key', minLength: 1, 'x-ui': { widget: 'password', placeholder: 'sk-...' } },
  },
};

export const openAIManifest = {
  id: 'openai',
  kind: 'provider',
  version: '0.1.0',
  hostRange: '^0.1.0',
  name: 'OpenAI',
  description: 'OpenAI chat completions (JSON and streaming), embeddings, image generation and the model list, through the official openai SDK.',
  settingsSchema: openAISettingsSchema,
  credentialSchema: openAICredentialSchema,
} satisfies PluginManifest & { kind: 'provider' };
