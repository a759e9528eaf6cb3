import type OpenAI from 'openai';
import type { ClientOptions } from 'openai';
import type { Logger } from '@switchyard/plugin-kit';
import { withReusedHeaders } from './reused-headers';
import { loadOpenAISdk, loadPooledFetch } from './sdk';
import type { OpenAIConnection } from './settings';

/**
 * Options shared by every SDK client the gateway builds. Everything the SDK would otherwise read
 * from the environment (OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID, ...) is set explicitly,
 * so the gateway's own environment never leaks into upstream calls. Async because the pooled
 * fetch (undici) is loaded on first use, like the SDK (see sdk.ts).
 */
export async function sdkOptions(connection: OpenAIConnection, apiKey: string | undefined, logger?: Logger): Promise<ClientOptions> {
  const headers: Record<string, string | null> = { ...connection.headers };
  // Keyless upstreams (a local Ollama or vLLM) get no Authorization header at all.
  if (!apiKey) headers.Authorization = null;
  return {
    apiKey: apiKey || 'unused',
    baseURL: connection.baseUrl,
    organization: connection.organization ?? null,
    project: connection.project ?? null,
    webhookSecret: null,
    timeout: connection.timeoutMs,
    maxRetries: connection.maxRetries,
    defaultHeaders: headers,
    logLevel: 'warn',
    fetch: await loadPooledFetch(),
    logger: logger ? sdkLogger(logger) : undefined,
  };
}

let clientClass: typeof OpenAI | undefined;

/** An SDK client that reuses each kind of call's headers (reused-headers.ts); the first one loads the SDK (see sdk.ts). */
export async function createOpenAIClient(connection: OpenAIConnection, apiKey: string | undefined, logger?: Logger): Promise<OpenAI> {
  const [{ default: OpenAIClient }, options] = await Promise.all([loadOpenAISdk(), sdkOptions(connection, apiKey, logger)]);
  clientClass ??= withReusedHeaders(OpenAIClient);
  return new clientClass(options);
}

/** Passes the SDK's own messages to the plugin logger; extra arguments (request details) are dropped. */
function sdkLogger(logger: Logger) {
  return {
    error: (message: string) => logger.error({ source: 'openai-sdk' }, message),
    warn: (message: string) => logger.warn({ source: 'openai-sdk' }, message),
    info: (message: string) => logger.info({ source: 'openai-sdk' }, message),
    debug: (message: string) => logger.debug({ source: 'openai-sdk' }, message),
  };
}
