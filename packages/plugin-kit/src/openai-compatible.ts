/*
 * `@switchyard/plugin-kit/openai-compatible`: a provider for a vendor that speaks OpenAI's API,
 * in a few lines. The translation, streaming, error mapping and client cache are
 * provider-openai's; the vendor quirks are openai-compatible's. This file only assembles them
 * around a manifest. It is a separate entry point so plugins that do not need it never load the
 * OpenAI SDK.
 */
import {
  ClientCache,
  createOpenAIClient,
  createOpenAIStyleProvider,
  readConnection,
  requireApiKey,
  toGatewayError,
  type OpenAI,
  type OpenAIEndpoint,
} from '@switchyard/provider-openai';
import { applyQuirks } from '@switchyard/provider-openai-compatible';
import type { JsonSchema, PluginManifest, ProviderCallContext, ProviderInstance, ProviderPlugin, UpstreamModelInfo } from '@switchyard/spec';

export type { OpenAI, OpenAIEndpoint };

export interface OpenAICompatibleQuirks {
  /** The vendor knows `max_tokens` only: `max_completion_tokens` is renamed. */
  legacyMaxTokens?: boolean;
  /** The vendor rejects `reasoning_content` on assistant messages sent back to it. */
  rejectsReasoningInput?: boolean;
}

export interface OpenAICompatibleProviderOptions {
  /** Plugin id, also the `plugin:` name in provider configs: lowercase letters, digits, dashes. */
  id: string;
  /** Display name, e.g. `Together AI`. */
  name: string;
  /** The plugin's own semver version. */
  version: string;
  /** Switchyard versions this plugin works with, e.g. `^0.1.0`. */
  hostRange: string;
  description?: string;
  /** The vendor's OpenAI-compatible base URL (ending in /v1 usually). Operators may change it. */
  baseUrl: string;
  /** Whether a call without an API key is a configuration error. Default true. */
  requiresKey?: boolean;
  /** Placeholder shown in the console's API key field, e.g. `tgp_v1_...`. */
  keyPlaceholder?: string;
  quirks?: OpenAICompatibleQuirks;
  /** Which optional endpoints the vendor has. Defaults: embeddings and images false, models true. */
  endpoints?: { embeddings?: boolean; images?: boolean; models?: boolean };
  /** Extra settings fields (JSON Schema properties with `x-ui` hints), read in `adaptBody`. */
  extraSettings?: Record<string, JsonSchema>;
  /** Headers sent on every request, from the instance's settings. */
  headers?(settings: Record<string, unknown>): Record<string, string>;
  /** A last change to each outgoing body, after the quirks (e.g. a vendor-only field). */
  adaptBody?(endpoint: OpenAIEndpoint, body: Record<string, unknown>, ctx: ProviderCallContext, settings: Record<string, unknown>): Record<string, unknown>;
  /**
   * For vendors whose model list is not OpenAI's `{data: [...]}`: read it yourself with the SDK
   * client (`client.get('/models', {signal})`). Errors are mapped to GatewayErrors for you.
   */
  listModels?(client: OpenAI, signal: AbortSignal): Promise<UpstreamModelInfo[]>;
}

/** The settings every OpenAI-compatible provider has, with the vendor's base URL as default. */
export function openAICompatibleSettingsSchema(options: Pick<OpenAICompatibleProviderOptions, 'baseUrl' | 'extraSettings'>): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      baseUrl: {
        type: 'string',
        title: 'Base URL',
        default: options.baseUrl,
        pattern: '^https?://',
        'x-ui': { order: 1, placeholder: options.baseUrl, help: 'Change only to go through a proxy that speaks the same API.' },
      },
      timeoutMs: {
        type: 'integer',
        title: 'Timeout (ms)',
        minimum: 1000,
        maximum: 3_600_000,
        default: 600_000,
        'x-ui': { order: 2, advanced: true, help: 'How long one upstream call may take before it fails with 504.' },
      },
      ...options.extraSettings,
    },
  };
}

export function openAICompatibleCredentialSchema(options: Pick<OpenAICompatibleProviderOptions, 'requiresKey' | 'keyPlaceholder'>): JsonSchema {
  const required = options.requiresKey !== false;
  return {
    type: 'object',
    additionalProperties: false,
    ...(required ? { required: ['apiKey'] } : {}),
    properties: {
      apiKey: { type: 'string', title: 'API key', ...(required ? { minLength: 1 } : {}), 'x-ui': { widget: 'password', ...(options.keyPlaceholder ? { placeholder: options.keyPlaceholder } : {}) } },
    },
  };
}

/** A complete provider plugin for an OpenAI-compatible vendor. */
export function defineOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): ProviderPlugin {
  const manifest: PluginManifest & { kind: 'provider' } = {
    id: options.id,
    kind: 'provider',
    version: options.version,
    hostRange: options.hostRange,
    name: options.name,
    ...(options.description ? { description: options.description } : {}),
    settingsSchema: openAICompatibleSettingsSchema(options),
    credentialSchema: openAICompatibleCredentialSchema(options),
  };
  const requiresKey = options.requiresKey !== false;
  const endpoints = { embeddings: false, images: false, models: true, ...options.endpoints };
  const quirks = { requiresKey, ...options.quirks };

  return {
    manifest,
    createProvider(settings, context) {
      // No retries inside the SDK (readConnection's default): the gateway's pipelines retry and fall back.
      const connection = readConnection(settings, { baseUrl: options.baseUrl });
      const extraHeaders = options.headers?.(settings);
      if (extraHeaders) connection.headers = { ...connection.headers, ...extraHeaders };
      const clients = new ClientCache<OpenAI>((apiKey) => createOpenAIClient(connection, apiKey || undefined, context.logger));
      const clientFor = (credential: Record<string, string>) => clients.get(requiresKey ? requireApiKey(credential, options.id) : (credential.apiKey ?? ''));

      const provider = createOpenAIStyleProvider({
        name: options.id,
        clientFor,
        listModels: endpoints.models && !options.listModels,
        adaptBody(endpoint, body, ctx) {
          const adapted = applyQuirks(quirks, endpoint, body);
          return options.adaptBody ? options.adaptBody(endpoint, adapted, ctx, settings) : adapted;
        },
        close: () => clients.clear(),
      });
      return withEndpoints(provider, endpoints, options, clientFor);
    },
  };
}

/** Drops the endpoints the vendor lacks (the gateway then answers them with a clear error) and plugs in a custom model list. */
function withEndpoints(
  provider: ProviderInstance,
  endpoints: { embeddings: boolean; images: boolean; models: boolean },
  options: OpenAICompatibleProviderOptions,
  clientFor: (credential: Record<string, string>) => Promise<OpenAI>,
): ProviderInstance {
  if (!endpoints.embeddings) delete provider.embeddings;
  if (!endpoints.images) delete provider.images;
  const custom = options.listModels;
  if (endpoints.models && custom) {
    provider.listModels = async (ctx) => {
      try {
        return await custom(await clientFor(ctx.credential), ctx.signal);
      } catch (err) {
        throw toGatewayError(err, { provider: options.id, signal: ctx.signal, secrets: Object.values(ctx.credential) });
      }
    };
  }
  return provider;
}
