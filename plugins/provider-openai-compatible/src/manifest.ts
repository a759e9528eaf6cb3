import type { JsonSchema, PluginManifest } from '@switchyard/plugin-kit';
import { openAISettingsSchema } from '@switchyard/provider-openai';
import { DEFAULT_AZURE_API_VERSION } from './azure';
import { PRESET_NAMES } from './presets';

const shared = openAISettingsSchema.properties as Record<string, JsonSchema>;

export const compatibleSettingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl'],
  properties: {
    preset: {
      type: 'string',
      title: 'Server type',
      enum: PRESET_NAMES,
      'x-ui': {
        order: 1,
        widget: 'select',
        labels: { ollama: 'Ollama', vllm: 'vLLM', deepseek: 'DeepSeek', groq: 'Groq', openrouter: 'OpenRouter', azure: 'Azure OpenAI' },
        help: 'Fills in the vendor’s defaults and quirks. Leave empty for any other OpenAI-compatible server.',
      },
    },
    baseUrl: {
      type: 'string',
      title: 'Base URL',
      pattern: '^https?://',
      'x-ui': {
        order: 2,
        placeholder: 'http://localhost:11434/v1',
        help: 'Ollama http://localhost:11434/v1 · vLLM http://localhost:8000/v1 · DeepSeek https://api.deepseek.com/v1 · Groq https://api.groq.com/openai/v1 · OpenRouter https://openrouter.ai/api/v1 · Azure: the resource endpoint, https://NAME.openai.azure.com',
      },
    },
    headers: {
      type: 'object',
      title: 'Extra headers',
      additionalProperties: { type: 'string' },
      'x-ui': { order: 3, widget: 'keyValue', advanced: true, help: 'Sent with every request, e.g. HTTP-Referer and X-Title for OpenRouter.' },
    },
    azure: {
      type: 'object',
      title: 'Azure OpenAI',
      additionalProperties: false,
      properties: {
        apiVersion: { type: 'string', title: 'API version', default: DEFAULT_AZURE_API_VERSION, 'x-ui': { placeholder: DEFAULT_AZURE_API_VERSION } },
        deployments: {
          type: 'object',
          title: 'Deployments',
          additionalProperties: { type: 'string', minLength: 1 },
          'x-ui': { widget: 'keyValue', keyLabel: 'Model', valueLabel: 'Deployment', help: 'Models without an entry are used as deployment names.' },
        },
      },
      'x-ui': { order: 4, visibleWhen: { preset: 'azure' } },
    },
    timeoutMs: { ...shared.timeoutMs, 'x-ui': { ...(shared.timeoutMs['x-ui'] as object), order: 5 } },
    maxRetries: { ...shared.maxRetries, 'x-ui': { ...(shared.maxRetries['x-ui'] as object), order: 6 } },
  },
};

export const compatibleCredentialSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    apiKey: { type: 'string', title: 'API key', 'x-ui': { widget: 'password', help: 'Not needed for a local Ollama or vLLM.' } },
  },
};

export const compatibleManifest = {
  id: 'openai-compatible',
  kind: 'provider',
  version: '0.1.0',
  hostRange: '^0.1.0',
  name: 'OpenAI-compatible',
  description: 'Any server that speaks the OpenAI API: Ollama, vLLM, DeepSeek, Groq, OpenRouter, Azure OpenAI.',
  settingsSchema: compatibleSettingsSchema,
  credentialSchema: compatibleCredentialSchema,
} satisfies PluginManifest & { kind: 'provider' };
