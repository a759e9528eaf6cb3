import type { JsonSchema, PluginManifest } from '@switchyard/plugin-kit';

export const PROVIDER_ID = 'bedrock';

/** Bedrock's per-image limit for Converse (3.75 MB), also the default cap for downloaded image URLs. */
export const BEDROCK_IMAGE_MAX_BYTES = 3_932_160;

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['region'],
  properties: {
    region: {
      type: 'string',
      title: 'AWS region',
      default: 'us-east-1',
      pattern: '^[a-z]{2}(-[a-z]+)+-\\d$',
      'x-ui': { order: 1, placeholder: 'us-east-1', help: 'Region of the Bedrock Runtime endpoint; models must be enabled in this region.' },
    },
    endpoint: {
      type: 'string',
      title: 'Endpoint override',
      format: 'uri',
      'x-ui': { order: 2, placeholder: 'https://bedrock-runtime.us-east-1.amazonaws.com', help: 'Leave empty for the regional endpoint. Set it for a VPC endpoint or a test double.' },
    },
    timeoutMs: {
      type: 'integer',
      title: 'Idle timeout (ms)',
      minimum: 1000,
      maximum: 900000,
      default: 120000,
      'x-ui': { order: 3, help: 'How long the connection may stay silent (no bytes) before the call fails.' },
    },
    models: {
      type: 'array',
      title: 'Models',
      items: { type: 'string', minLength: 1 },
      default: [],
      'x-ui': {
        order: 4,
        widget: 'tags',
        help: 'Model ids or inference profiles to offer (e.g. us.anthropic.claude-sonnet-4-20250514-v1:0). Bedrock Runtime has no list call, so the model list shows exactly these.',
      },
    },
    imageUrls: {
      type: 'string',
      title: 'Image URLs in chat',
      enum: ['public', 'any', 'off'],
      default: 'public',
      'x-ui': {
        order: 5,
        widget: 'select',
        help: 'Converse only accepts image bytes, so the gateway downloads http(s) image URLs. "public" refuses private and loopback addresses, "any" allows them (trusted networks only), "off" rejects URLs with a 400.',
      },
    },
    imageUrlMaxBytes: {
      type: 'integer',
      title: 'Image URL size cap (bytes)',
      minimum: 1,
      maximum: BEDROCK_IMAGE_MAX_BYTES,
      default: BEDROCK_IMAGE_MAX_BYTES,
      'x-ui': { order: 6, help: 'Largest image the gateway downloads; Bedrock itself accepts at most 3.75 MB per image.' },
    },
    imageUrlTimeoutMs: {
      type: 'integer',
      title: 'Image URL timeout (ms)',
      minimum: 100,
      maximum: 60000,
      default: 10000,
      'x-ui': { order: 7, help: 'Time allowed for downloading one image URL.' },
    },
  },
};

export const credentialSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['accessKeyId', 'secretAccessKey'],
  properties: {
    accessKeyId: { type: 'string', title: 'Access key ID', minLength: 16, 'x-ui': { order: 1, widget: 'password', placeholder: 'AKIA...' } },
    secretAccessKey: { type: 'string', title: 'Secret access key', minLength: 1, 'x-ui': { order: 2, widget: 'password' } },
    sessionToken: { type: 'string', title: 'Session token', 'x-ui': { order: 3, widget: 'password', help: 'Only for temporary (STS) credentials.' } },
  },
};

export const manifest: PluginManifest & { kind: 'provider' } = {
  id: PROVIDER_ID,
  kind: 'provider',
  version: '0.1.0',
  hostRange: '^0.1.0',
  name: 'Amazon Bedrock',
  description: 'Chat (Converse / ConverseStream), embeddings (Titan, Cohere) and images (Titan, Nova Canvas, Stability) on Amazon Bedrock, signed with AWS SigV4.',
  settingsSchema,
  credentialSchema,
};
