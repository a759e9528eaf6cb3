import { loadOpenAISdk, sdkOptions, type AzureOpenAI, type OpenAIConnection } from '@switchyard/provider-openai';
import type { Logger } from '@switchyard/plugin-kit';

/** Azure's current GA data-plane version. */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';

export interface AzureSettings {
  apiVersion: string;
  /** Gateway model id -> Azure deployment name; unmapped models are used as deployment names. */
  deployments: Record<string, string>;
}

export function readAzureSettings(value: unknown): AzureSettings {
  const azure = (typeof value === 'object' && value !== null ? value : {}) as { apiVersion?: unknown; deployments?: unknown };
  const deployments: Record<string, string> = {};
  if (typeof azure.deployments === 'object' && azure.deployments !== null) {
    for (const [model, deployment] of Object.entries(azure.deployments)) if (typeof deployment === 'string' && deployment) deployments[model] = deployment;
  }
  return { apiVersion: typeof azure.apiVersion === 'string' && azure.apiVersion ? azure.apiVersion : DEFAULT_AZURE_API_VERSION, deployments };
}

/**
 * An SDK client for an Azure OpenAI resource. `baseUrl` is the resource endpoint
 * (https://NAME.openai.azure.com), with or without the trailing /openai. The first one loads the SDK.
 */
export async function createAzureClient(connection: OpenAIConnection, azure: AzureSettings, apiKey: string, logger?: Logger): Promise<AzureOpenAI> {
  const baseUrl = connection.baseUrl.endsWith('/openai') ? connection.baseUrl : `${connection.baseUrl}/openai`;
  const [{ AzureOpenAI: AzureClient }, options] = await Promise.all([loadOpenAISdk(), sdkOptions({ ...connection, baseUrl }, apiKey, logger)]);
  return new AzureClient({ ...options, apiKey, apiVersion: azure.apiVersion });
}

/** The deployment serving a model. The SDK puts the body's `model` into the deployment URL. */
export function deploymentFor(azure: AzureSettings, model: string): string {
  return azure.deployments[model] ?? model;
}
